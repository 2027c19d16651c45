package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.DeleteDraftRequest;
import dev.mailgate.proto.v1.Draft;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.GetDraftRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.ListDraftsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.proto.v1.MessageView;
import dev.mailgate.proto.v1.OutgoingAttachment;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SearchMessagesResponse;
import dev.mailgate.proto.v1.SendDraftRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.proto.v1.UpdateDraftRequest;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.testing.Answers;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Gmail-specific MailService behaviour: drafts, idempotent sends, audit, errors, cross-account search. */
class GmailMailServiceTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private MailServiceGrpc.MailServiceBlockingStub mail;
  private GmailSandbox sandbox;
  private String userId;
  private Connection connection;
  private String address;

  @BeforeEach
  void connect() throws Exception {
    mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    sandbox = gateway.get().providers().sandbox().gmail();
    userId = Mailboxes.newUserId("gmail");
    address = userId + "@gmail.test";
    connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, address);
  }

  private SendMessageRequest.Builder send(String requestId, String subject) {
    return SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setRequestId(requestId)
        .setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org").setName("Ada"))
            .addCc(EmailAddress.newBuilder().setAddress("cc@example.org"))
            .addBcc(EmailAddress.newBuilder().setAddress("bcc@example.org"))
            .setSubject(subject).setTextBody("text version").setHtmlBody("<b>html version</b>"));
  }

  private ConnectionServiceGrpc.ConnectionServiceBlockingStub connections() {
    return ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private int sentCount() {
    return sandbox.count(address, "SENT");
  }

  private List<String[]> auditRows() throws Exception {
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement query = db.prepareStatement("""
            SELECT l.status, l.provider_message_id, l.subject, array_to_string(l.recipients, ',')
            FROM send_log l JOIN users u ON u.id = l.user_id WHERE u.external_id = ? ORDER BY l.id""")) {
      query.setString(1, userId);
      List<String[]> rows = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          rows.add(new String[] {result.getString(1), result.getString(2), result.getString(3), result.getString(4)});
        }
      }
      return rows;
    }
  }

  @Test
  void sendWithAllRecipientsAndBothBodiesIsAuditedAndMarksTheConnectionUsed() throws Exception {
    SendMessageResponse sent = mail.sendMessage(send("first-" + UUID.randomUUID(), "hello all").build());
    assertThat(sentCount()).isEqualTo(1);
    String raw = new String(sandbox.raw(address, sent.getMessageId()));
    assertThat(raw).contains("To: Ada <ada@example.org>").contains("Cc: cc@example.org")
        .contains("multipart/alternative").contains("text version").contains("<b>html version</b>");
    assertThat(auditRows()).singleElement().satisfies(row -> {
      assertThat(row[0]).isEqualTo("SENT");
      assertThat(row[1]).isEqualTo(sent.getMessageId());
      assertThat(row[2]).isEqualTo("hello all");
      assertThat(row[3]).isEqualTo("ada@example.org,cc@example.org,bcc@example.org");
    });
    Connection used = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .getConnection(GetConnectionRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build());
    assertThat(used.hasLastUsedTime()).isTrue();
  }

  @Test
  void lastUsedTimeIsWrittenAtMostOnceAMinuteNotOnEveryCall() throws Exception {
    var connections = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    var get = GetConnectionRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build();
    var list = ListLabelsRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build();
    mail.listLabels(list);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!connections.getConnection(get).hasLastUsedTime() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    var first = connections.getConnection(get).getLastUsedTime();
    mail.listLabels(list);
    mail.listLabels(list);
    Thread.sleep(300);
    assertThat(connections.getConnection(get).getLastUsedTime()).isEqualTo(first);
  }

  @Test
  void retryWithTheSameRequestIdSendsOnceAndReturnsTheSameMessage() throws Exception {
    String requestId = "once-" + UUID.randomUUID();
    SendMessageResponse first = mail.sendMessage(send(requestId, "only once").build());
    SendMessageResponse retry = mail.sendMessage(send(requestId, "only once").build());
    assertThat(retry).isEqualTo(first);
    assertThat(sentCount()).isEqualTo(1);
    assertThat(auditRows()).hasSize(1);

    Failure reused = assertFails(Status.Code.ALREADY_EXISTS, "IDEMPOTENCY_KEY_REUSED",
        () -> mail.sendMessage(send(requestId, "something else").build()));
    assertThat(reused.message()).contains("request_id");
    assertThat(sentCount()).isEqualTo(1);
  }

  @Test
  void concurrentCallsWithOneRequestIdSendExactlyOnce() throws Exception {
    String requestId = "race-" + UUID.randomUUID();
    var async = MailServiceGrpc.newStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    List<CompletableFuture<SendMessageResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      CompletableFuture<SendMessageResponse> answer = Answers.of(observer -> async.sendMessage(send(requestId, "race").build(), observer));
      answers.add(answer);
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(answers.stream().map(CompletableFuture::join).distinct()).hasSize(1);
    assertThat(sentCount()).isEqualTo(1);
    assertThat(auditRows()).hasSize(1);
  }

  @Test
  void sendIsRequiredToCarryARequestIdAndValidRecipients() {
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.sendMessage(
        SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
            .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("not an address"))).build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("request_id", "content.to[0].address");
    assertThat(sentCount()).isZero();
  }

  @Test
  void rateLimitedSendFailsWithRetryInfoIsAuditedAndCanBeRetried() throws Exception {
    String requestId = "limited-" + UUID.randomUUID();
    sandbox.failNext(1, 429, "rateLimitExceeded");
    Failure limited = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_RATE_LIMITED",
        () -> mail.sendMessage(send(requestId, "later").build()));
    assertThat(limited.retryInfo()).isPresent();
    assertThat(limited.retryInfo().get().getRetryDelay().getSeconds()).isEqualTo(2);
    assertThat(auditRows()).singleElement().satisfies(row -> assertThat(row[0]).isEqualTo("FAILED"));

    // Gmail refused it, so the record says it was not sent: the same key may send now.
    SendMessageResponse sent = mail.sendMessage(send(requestId, "later").build());
    assertThat(sent.getMessageId()).isNotEmpty();
    assertThat(sentCount()).isEqualTo(1);
  }

  @Test
  void unknownSendOutcomeIsLookedUpBeforeAnyNewAttempt() throws Exception {
    // Gmail fails the send with a 503: the gateway cannot tell whether it sent, and says so.
    String requestId = "lost-" + UUID.randomUUID();
    sandbox.failNext(1, 503, "backendError");
    Failure unknown = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE",
        () -> mail.sendMessage(send(requestId, "maybe sent").build()));
    assertThat(unknown.message()).contains("not known");
    assertThat(sentCount()).isZero();

    // Suppose Gmail did send it after all: its Sent folder has a message with this send's Message-ID.
    String header = SendService.messageIdHeader("acme", userId, requestId);
    String already = sandbox.deliver(address, ("From: " + address + "\r\nTo: ada@example.org\r\nMessage-ID: " + header
        + "\r\nSubject: maybe sent\r\n\r\ntext version\r\n").getBytes(), List.of("SENT"));
    SendMessageResponse retry = mail.sendMessage(send(requestId, "maybe sent").build());
    assertThat(retry.getMessageId()).isEqualTo(already);
    assertThat(sentCount()).isEqualTo(1);
  }

  @Test
  void unknownSendOutcomeThatDidNotSendIsSentOnRetry() throws Exception {
    String requestId = "lost-" + UUID.randomUUID();
    sandbox.failNext(1, 503, "backendError");
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail.sendMessage(send(requestId, "retry me").build()));
    SendMessageResponse retry = mail.sendMessage(send(requestId, "retry me").build());
    assertThat(sandbox.raw(address, retry.getMessageId())).isNotEmpty();
    assertThat(sentCount()).isEqualTo(1);
  }

  @Test
  void readsRetryServerErrorsWithBackoffThenGiveUp() {
    sandbox.failNext(2, 500, "backendError");
    int before = sandbox.calls("GET", "/labels");
    assertThat(mail.listLabels(dev.mailgate.proto.v1.ListLabelsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getLabelsCount()).isPositive();
    assertThat(sandbox.calls("GET", "/labels") - before).isEqualTo(3);

    sandbox.failNext(3, 503, "backendError");
    Failure failure = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail.getMessage(
        GetMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
            .setMessageId("0123456789abcdef").build()));
    assertThat(failure.retryInfo()).isPresent();
  }

  @Test
  void aSearchPageWhoseMessageReadsFailOnceRetriesThemAndIsComplete() {
    deliverInbox(3, "page");
    int before = sandbox.calls("GET", "");
    // The listing passes; two of the three message reads it fans out to get a 503 and are tried again.
    sandbox.failAfter(1, 2, 503, "backendError", null);
    SearchMessagesResponse page = mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setPageSize(10).build());
    assertThat(page.getMessagesList()).extracting(m -> m.getSubject())
        .containsExactlyInAnyOrder("page 0", "page 1", "page 2");
    assertThat(sandbox.calls("GET", "") - before).as("1 list + 3 reads + 2 retries")
        .isEqualTo(6);
  }

  @Test
  void aSearchWhoseListingFailsOnceListsAgainThenReadsItsMessages() {
    deliverInbox(2, "listed");
    int before = sandbox.calls("GET", "");
    sandbox.failNext(1, 503, "backendError");
    SearchMessagesResponse page = mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setQuery("subject:listed").setPageSize(10).build());
    assertThat(page.getMessagesList()).extracting(m -> m.getSubject()).containsExactlyInAnyOrder("listed 0", "listed 1");
    assertThat(sandbox.calls("GET", "") - before).as("a failed list, the list again, 2 reads").isEqualTo(4);
  }

  /** {@code count} messages from ada into the inbox, subjects "{@code subject} 0", "{@code subject} 1", ... */
  private void deliverInbox(int count, String subject) {
    for (int i = 0; i < count; i++) {
      sandbox.deliver(address, ("From: ada@example.org\r\nTo: " + address + "\r\nSubject: " + subject + " " + i
          + "\r\n\r\nbody\r\n").getBytes(), List.of("INBOX"));
    }
  }

  @Test
  void forbiddenRateLimitIsProviderRateLimited() {
    sandbox.failNext(1, 403, "userRateLimitExceeded");
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_RATE_LIMITED", () -> mail.searchMessages(SearchMessagesRequest.newBuilder()
        .setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
  }

  @Test
  void insufficientScopeIsProviderPermissionDeniedInTheGatewaysWordsAndLeavesTheConnectionActive() {
    sandbox.failNext(1, 403, "insufficientPermissions");
    Failure failure = assertFails(Status.Code.FAILED_PRECONDITION, "PROVIDER_PERMISSION_DENIED", () -> mail.listLabels(
        ListLabelsRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
    assertThat(failure.message()).isEqualTo("Gmail refused the call for lack of permission (HTTP 403"
        + " insufficientPermissions); the connection's grant or the account's policy must allow it");
    assertThat(failure.message()).doesNotContain("Request had insufficient authentication scopes");
    assertThat(failure.retryInfo()).isEmpty();
    assertThat(connections().getConnection(GetConnectionRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getStatus())
        .isEqualTo(dev.mailgate.proto.v1.ConnectionStatus.CONNECTION_STATUS_ACTIVE);
    assertThat(mail.listLabels(ListLabelsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getLabelsList()).isNotEmpty();
  }

  @Test
  void dailyLimitIsStillProviderRateLimited() {
    sandbox.failNext(1, 403, "dailyLimitExceeded");
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_RATE_LIMITED", () -> mail.searchMessages(SearchMessagesRequest.newBuilder()
        .setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
  }

  @Test
  void refusedRequestNamesGmailsReasonButNotItsMessage() {
    sandbox.failNext(1, 400, "invalidArgument");
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(
        SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
    assertThat(failure.violations()).singleElement().satisfies(violation ->
        assertThat(violation.getDescription()).isEqualTo("Gmail refused the request (HTTP 400 invalidArgument)"));
  }

  @Test
  void rejectedTokenIsRefreshedOnceAndTheCallRetried() {
    sandbox.failNext(1, 401, "authError");
    SearchMessagesResponse response = mail.searchMessages(SearchMessagesRequest.newBuilder()
        .setUserId(userId).setConnectionId(connection.getConnectionId()).build());
    assertThat(response.getMessagesList()).isEmpty();

    sandbox.failNext(2, 401, "authError");
    assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH", () -> mail.searchMessages(
        SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
    int calls = sandbox.calls("GET", "/messages");
    assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH", () -> mail.searchMessages(
        SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
    assertThat(sandbox.calls("GET", "/messages")).isEqualTo(calls);
  }

  @Test
  void draftsCanBeCreatedReadListedUpdatedSentOnceAndDeleted() throws Exception {
    Draft draft = mail.createDraft(CreateDraftRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("draft v1").setTextBody("v1"))
        .build());
    assertThat(draft.getContent().getSubject()).isEqualTo("draft v1");
    Draft updated = mail.updateDraft(UpdateDraftRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setDraftId(draft.getDraftId()).setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("draft v2").setTextBody("v2"))
        .build());
    assertThat(updated.getDraftId()).isEqualTo(draft.getDraftId());
    assertThat(mail.getDraft(GetDraftRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setDraftId(draft.getDraftId()).build()).getContent().getTextBody()).contains("v2");
    assertThat(mail.listDrafts(ListDraftsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getDraftsList()).extracting(Draft::getDraftId)
        .containsExactly(draft.getDraftId());

    String requestId = "draft-" + UUID.randomUUID();
    SendDraftRequest sendDraft = SendDraftRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setDraftId(draft.getDraftId()).setRequestId(requestId).build();
    SendMessageResponse sent = mail.sendDraft(sendDraft);
    assertThat(mail.sendDraft(sendDraft)).isEqualTo(sent);
    assertThat(sentCount()).isEqualTo(1);
    assertThat(mail.listDrafts(ListDraftsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getDraftsList()).isEmpty();

    Draft other = mail.createDraft(CreateDraftRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setContent(MessageContent.newBuilder().setSubject("bin me")).build());
    mail.deleteDraft(DeleteDraftRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setDraftId(other.getDraftId()).build());
    assertFails(Status.Code.NOT_FOUND, "MESSAGE_NOT_FOUND", () -> mail.getDraft(GetDraftRequest.newBuilder()
        .setUserId(userId).setConnectionId(connection.getConnectionId()).setDraftId(other.getDraftId()).build()));
  }

  @Test
  void searchAcrossConnectionsMergesNewestFirstAndPagesWithSealedTokens() throws Exception {
    String second = userId + ".work@gmail.test";
    Connection work = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, second);
    String tag = UUID.randomUUID().toString().substring(0, 6);
    var clock = gateway.get().clock();
    for (int i = 0; i < 3; i++) {
      sandbox.deliver(address, clock.dated(Mailboxes.mail("a@example.org", address, tag + " home " + i, "x", "", null)),
          List.of("INBOX"));
      clock.tick();
      sandbox.deliver(second, clock.dated(Mailboxes.mail("a@example.org", second, tag + " work " + i, "x", "", null)),
          List.of("INBOX"));
      clock.tick();
    }
    List<MessageSummary> seen = new ArrayList<>();
    String token = "";
    String firstToken = null;
    do {
      SearchMessagesResponse page = mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId)
          .setConnectionId("-").setQuery("subject:" + tag).setPageSize(4).setPageToken(token).build());
      seen.addAll(page.getMessagesList());
      token = page.getNextPageToken();
      firstToken = firstToken == null ? token : firstToken;
    } while (!token.isEmpty());
    assertThat(seen).extracting(MessageSummary::getSubject).containsExactly(
        tag + " work 2", tag + " home 2", tag + " work 1", tag + " home 1", tag + " work 0", tag + " home 0");
    assertThat(seen).filteredOn(m -> m.getSubject().contains("work"))
        .allSatisfy(m -> {
          assertThat(m.getConnectionId()).isEqualTo(work.getConnectionId());
          assertThat(m.getEmailAddress()).isEqualTo(second);
        });

    String stolen = firstToken;
    String stranger = Mailboxes.newUserId("stranger");
    Mailboxes.connect(gateway.get(), TestGateway.acme(), stranger, Provider.PROVIDER_GMAIL, stranger + "@gmail.test");
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(SearchMessagesRequest
        .newBuilder().setUserId(stranger).setConnectionId("-").setQuery("subject:" + tag).setPageToken(stolen).build()));
    String tampered = stolen.substring(0, stolen.length() - 2) + (stolen.endsWith("A") ? "BB" : "AA");
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(SearchMessagesRequest
        .newBuilder().setUserId(userId).setConnectionId("-").setQuery("subject:" + tag).setPageToken(tampered).build()));
  }

  @Test
  void pageTokenOfOneConnectionIsRefusedOnAllConnectionsAndOnAnotherEvenForTheOnlyConnection() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    for (int i = 0; i < 2; i++) {
      sandbox.deliver(address, Mailboxes.mail("a@example.org", address, tag + " only " + i, "x", "", null), List.of("INBOX"));
    }
    SearchMessagesRequest.Builder onConnection = SearchMessagesRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setQuery("subject:" + tag).setPageSize(1);
    String connectionToken = mail.searchMessages(onConnection.build()).getNextPageToken();
    String allToken = mail.searchMessages(onConnection.clone().setConnectionId("-").build()).getNextPageToken();
    assertThat(connectionToken).isNotEmpty();
    assertThat(allToken).isNotEmpty();

    // The user's only connection: "-" searches exactly the same mailbox, and still the tokens do not cross.
    Failure onAll = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(
        onConnection.clone().setConnectionId("-").setPageToken(connectionToken).build()));
    assertThat(onAll.violations()).extracting(v -> v.getField()).containsExactly("page_token");
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(
        onConnection.clone().setPageToken(allToken).build()));

    Connection other = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + ".other@gmail.test");
    Failure onOther = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(
        onConnection.clone().setConnectionId(other.getConnectionId()).setPageToken(connectionToken).build()));
    assertThat(onOther.violations()).extracting(v -> v.getField()).containsExactly("page_token");

    // Each token still pages where it was issued.
    assertThat(mail.searchMessages(onConnection.clone().setPageToken(connectionToken).build()).getMessagesList())
        .extracting(MessageSummary::getSubject).containsExactly(tag + " only 0");
  }

  @Test
  void attachmentsOfTwentyFiveMegabytesAreSent() throws Exception {
    byte[] big = new byte[25 * 1024 * 1024];
    new java.util.Random(7).nextBytes(big);
    SendMessageResponse sent = mail.withMaxOutboundMessageSize(40 * 1024 * 1024).sendMessage(send("big-" + UUID.randomUUID(), "big one")
        .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))
            .setSubject("big one").setTextBody("see attached")
            .addAttachments(OutgoingAttachment.newBuilder().setFilename("big.bin").setMimeType("application/octet-stream")
                .setData(ByteString.copyFrom(big))))
        .build());
    var message = mail.getMessage(GetMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setMessageId(sent.getMessageId()).setView(MessageView.MESSAGE_VIEW_FULL).build());
    assertThat(message.getAttachmentsList()).singleElement().satisfies(a -> assertThat(a.getSizeBytes()).isEqualTo(big.length));
  }

  @Test
  void oversizedRequestsOfOtherMethodsAreRefused() {
    String hugeQuery = "x".repeat(5 * 1024 * 1024);
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail
        .withMaxOutboundMessageSize(10 * 1024 * 1024)
        .searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId)
            .setConnectionId(connection.getConnectionId()).setQuery(hugeQuery).build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("request");
  }
}
