package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.MessageView;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SendDraftRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.sandbox.graph.GraphSandbox;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fenced send claims through the public surface. A "crash" is a fault injected between the
 * provider's acceptance and the database commit (the claim stays PENDING, as when the gateway
 * dies there): a retry answers SEND_IN_PROGRESS until the holder's deadline, then finds the sent
 * message instead of sending again. Outlook answers with the draft's immutable id at once, though
 * Graph files the message later.
 */
class SendFencingTest {

  private static final Duration LEASE = Duration.ofSeconds(3);
  /** Request ids that fail once between the provider's acceptance and the commit. */
  private static final Set<String> CRASH_ONCE = ConcurrentHashMap.newKeySet();

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withSendPolicy(
      new SendPolicy(LEASE, Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(30), requestId -> {
        if (CRASH_ONCE.remove(requestId)) {
          throw new IllegalStateException("injected crash after the provider accepted " + requestId);
        }
      })));

  private GraphSandbox graph() {
    return gateway.get().providers().sandbox().graph();
  }

  private GmailSandbox gmail() {
    return gateway.get().providers().sandbox().gmail();
  }

  @AfterEach
  void defaultFilingDelay() {
    graph().filingDelay(GraphSandbox.DEFAULT_FILING_DELAY);
  }

  private record Account(String userId, String address, Connection connection) {}

  private static Account connect(Provider provider, String domain) throws Exception {
    String userId = Mailboxes.newUserId("fence");
    String address = userId + "@" + domain;
    return new Account(userId, address, Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, provider, address));
  }

  private static MailServiceGrpc.MailServiceBlockingStub mail() {
    return MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static SendMessageRequest send(Account account, String requestId) {
    return SendMessageRequest.newBuilder().setUserId(account.userId()).setConnectionId(account.connection().getConnectionId())
        .setRequestId(requestId).setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("fenced " + requestId)
            .setTextBody("once"))
        .build();
  }

  private static String header(Account account, String requestId) {
    return SendService.messageIdHeader("acme", account.userId(), requestId);
  }

  private static void sleep(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  @Test
  void outlookAnswersWithTheSentMessagesIdAtOnceAndARetryDoesNotSendAgain() throws Exception {
    Account account = connect(Provider.PROVIDER_OUTLOOK, "outlook.test");
    String requestId = "outlook-" + UUID.randomUUID();
    int sendMailBefore = graph().calls("POST", "/sendMail");

    SendMessageResponse first = mail().sendMessage(send(account, requestId));
    int filedAtAnswer = graph().internetMessageIds(account.address(), "sentitems").size();
    SendMessageResponse retry = mail().sendMessage(send(account, requestId));
    sleep(GraphSandbox.DEFAULT_FILING_DELAY.plusMillis(800));

    assertThat(filedAtAnswer).isZero();
    assertThat(retry).isEqualTo(first);
    assertThat(graph().internetMessageIds(account.address(), "sentitems")).containsExactly(header(account, requestId));
    assertThat(graph().calls("POST", "/sendMail")).isEqualTo(sendMailBefore);
    var sent = mail().getMessage(GetMessageRequest.newBuilder().setUserId(account.userId())
        .setConnectionId(account.connection().getConnectionId()).setMessageId(first.getMessageId())
        .setView(MessageView.MESSAGE_VIEW_METADATA).build());
    assertThat(sent.getSummary().getLabelIdsList()).contains("SENT");
    assertThat(sent.getRfc822MessageId()).isEqualTo(header(account, requestId));
  }

  @Test
  void gmailRetryIsSendInProgressUntilTheHoldersDeadlineThenFindsTheMessageSentBeforeTheCrash() throws Exception {
    Account account = connect(Provider.PROVIDER_GMAIL, "gmail.test");
    String requestId = "crash-" + UUID.randomUUID();
    CRASH_ONCE.add(requestId);
    int sendsBefore = gmail().calls("POST", "/messages/send");

    StatusRuntimeException crashed = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
        () -> mail().sendMessage(send(account, requestId)));
    long crashedAt = System.nanoTime();
    Failure inProgress = assertFails(Status.Code.UNAVAILABLE, "SEND_IN_PROGRESS", () -> mail().sendMessage(send(account, requestId)));
    sleep(LEASE.minusNanos(System.nanoTime() - crashedAt).plusMillis(300));
    SendMessageResponse afterDeadline = mail().sendMessage(send(account, requestId));
    SendMessageResponse again = mail().sendMessage(send(account, requestId));

    assertThat(crashed).isNotNull();
    assertThat(inProgress.retryInfo()).isPresent();
    assertThat(inProgress.retryInfo().get().getRetryDelay().getSeconds() * 1000
        + inProgress.retryInfo().get().getRetryDelay().getNanos() / 1_000_000).isBetween(1L, LEASE.toMillis());
    assertThat(gmail().calls("POST", "/messages/send") - sendsBefore).isEqualTo(1);
    assertThat(gmail().messageIdHeaders(account.address(), "SENT")).containsExactly(header(account, requestId));
    assertThat(new String(gmail().raw(account.address(), afterDeadline.getMessageId()))).contains(header(account, requestId));
    assertThat(again).isEqualTo(afterDeadline);
  }

  @Test
  void outlookRetryAfterACrashWaitsForGraphToFileTheDraftAndNeverSendsItAgain() throws Exception {
    Duration filing = LEASE.plusSeconds(2);
    graph().filingDelay(filing);
    Account account = connect(Provider.PROVIDER_OUTLOOK, "outlook.test");
    String requestId = "crash-" + UUID.randomUUID();
    CRASH_ONCE.add(requestId);
    int draftSendsBefore = graph().calls("POST", "/send");

    org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
        () -> mail().sendMessage(send(account, requestId)));
    long crashedAt = System.nanoTime();
    sleep(LEASE.plusMillis(300));
    // The holder's deadline has passed, Graph has accepted the draft's send and not filed it yet.
    Failure notFiledYet = assertFails(Status.Code.UNAVAILABLE, "SEND_IN_PROGRESS",
        () -> mail().sendMessage(send(account, requestId)));
    sleep(filing.minusNanos(System.nanoTime() - crashedAt).plusMillis(800));
    SendMessageResponse found = mail().sendMessage(send(account, requestId));

    assertThat(notFiledYet.retryInfo()).isPresent();
    assertThat(graph().calls("POST", "/send") - draftSendsBefore).isEqualTo(1);
    assertThat(graph().internetMessageIds(account.address(), "sentitems")).containsExactly(header(account, requestId));
    assertThat(graph().internetMessageIds(account.address(), "drafts")).isEmpty();
    assertThat(graph().folderOf(account.address(), found.getMessageId())).isEqualTo("sentitems");
  }

  @Test
  void sendDraftWhoseLookupFailsAnswersThatFailureAndSendsNothing() throws Exception {
    graph().filingDelay(Duration.ZERO);
    Account account = connect(Provider.PROVIDER_OUTLOOK, "outlook.test");
    var draft = mail().createDraft(CreateDraftRequest.newBuilder().setUserId(account.userId())
        .setConnectionId(account.connection().getConnectionId()).setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("kept").setTextBody("draft"))
        .build());
    int draftSendsBefore = graph().calls("POST", "/send");
    SendDraftRequest sendDraft = SendDraftRequest.newBuilder().setUserId(account.userId())
        .setConnectionId(account.connection().getConnectionId()).setDraftId(draft.getDraftId())
        .setRequestId("draft-" + UUID.randomUUID()).build();

    graph().failNext(1, 500, "generalException");
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail().sendDraft(sendDraft));

    assertThat(graph().calls("POST", "/send")).isEqualTo(draftSendsBefore);
    assertThat(graph().count(account.address(), "drafts")).isEqualTo(1);
    assertThat(graph().count(account.address(), "sentitems")).isZero();
    // The same key afterwards sends the draft once, and a retry answers the same.
    SendMessageResponse sent = mail().sendDraft(sendDraft);
    assertThat(mail().sendDraft(sendDraft)).isEqualTo(sent);
    assertThat(graph().count(account.address(), "sentitems")).isEqualTo(1);
    assertThat(sent.getMessageId()).isEqualTo(draft.getDraftId());
  }

  @Test
  void sendDraftOfADraftThatNeverExistedIsNotFound() throws Exception {
    Account account = connect(Provider.PROVIDER_GMAIL, "gmail.test");
    assertFails(Status.Code.NOT_FOUND, "MESSAGE_NOT_FOUND", () -> mail().sendDraft(SendDraftRequest.newBuilder()
        .setUserId(account.userId()).setConnectionId(account.connection().getConnectionId()).setDraftId("r-no-such-draft")
        .setRequestId("draft-" + UUID.randomUUID()).build()));
    assertThat(gmail().count(account.address(), "SENT")).isZero();
  }
}
