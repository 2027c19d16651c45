package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SearchMessagesResponse;
import dev.mailgate.server.sandbox.graph.GraphSandbox;
import dev.mailgate.server.testing.Answers;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Outlook-specific behaviour: Graph's concurrency limit, Retry-After, and the query translation. */
class OutlookMailServiceTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private MailServiceGrpc.MailServiceBlockingStub mail;
  private GraphSandbox graph;
  private String userId;
  private Connection connection;
  private String address;

  @BeforeEach
  void connect() throws Exception {
    mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    graph = gateway.get().providers().sandbox().graph();
    userId = Mailboxes.newUserId("outlook");
    address = userId + "@outlook.test";
    connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_OUTLOOK, address);
  }

  private SearchMessagesRequest search(String query) {
    return SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setQuery(query).build();
  }

  @Test
  void accessDeniedIsProviderPermissionDeniedWithoutGraphsMessage() {
    for (String code : List.of("ErrorAccessDenied", "Authorization_RequestDenied")) {
      graph.failNext(1, 403, code);
      var failure = dev.mailgate.server.testing.GrpcAssertions.assertFails(io.grpc.Status.Code.FAILED_PRECONDITION,
          "PROVIDER_PERMISSION_DENIED", () -> mail.getMessage(dev.mailgate.proto.v1.GetMessageRequest.newBuilder()
              .setUserId(userId).setConnectionId(connection.getConnectionId()).setMessageId("AAMkAGI2THVSAAA=").build()));
      assertThat(failure.message()).isEqualTo("Microsoft Graph refused the call for lack of permission (HTTP 403 "
          + code + "); the connection's grant or the account's policy must allow it");
    }
    assertThat(mail.searchMessages(search("")).getMessagesList()).isNotNull();
  }

  @Test
  void neverMoreThanFourRequestsInFlightPerMailbox() throws Exception {
    graph.latency(Duration.ofMillis(150));
    try {
      var async = MailServiceGrpc.newStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
      List<CompletableFuture<SearchMessagesResponse>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        CompletableFuture<SearchMessagesResponse> answer = Answers.of(observer -> async.searchMessages(search(""), observer));
        answers.add(answer);
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      graph.latency(Duration.ZERO);
    }
    assertThat(graph.maxConcurrent()).isBetween(1, 4);
  }

  @Test
  void throttlingWaitsForRetryAfterAndSucceeds() {
    graph.failNext(1, 429, "ApplicationThrottled");
    long start = System.nanoTime();
    assertThat(mail.searchMessages(search("is:unread")).getMessagesList()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }

  @Test
  void persistentThrottlingIsProviderRateLimitedWithRetryInfo() {
    mail.searchMessages(search("")); // the provider now knows this mailbox's folders
    graph.failNext(3, 429, "ApplicationThrottled");
    Failure failure = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_RATE_LIMITED", () -> mail.searchMessages(search("")));
    assertThat(failure.retryInfo()).isPresent();
  }

  @Test
  void categoriesAreLabelsThatCanBeAddedAndRemoved() throws Exception {
    graph.deliver(address, Mailboxes.mail("ada@example.org", address, "categorize me", "x", "", null), "inbox");
    var labels = mail.listLabels(dev.mailgate.proto.v1.ListLabelsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getLabelsList();
    String category = labels.stream().map(l -> l.getLabelId()).filter(id -> id.startsWith("category:")).findFirst()
        .orElseThrow();
    String id = mail.searchMessages(search("subject:categorize")).getMessages(0).getMessageId();
    var tagged = mail.modifyMessage(dev.mailgate.proto.v1.ModifyMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(id).addAddLabelIds(category).build());
    assertThat(tagged.getLabelIdsList()).contains(category, "INBOX");
    var untagged = mail.modifyMessage(dev.mailgate.proto.v1.ModifyMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(id).addRemoveLabelIds(category).build());
    assertThat(untagged.getLabelIdsList()).doesNotContain(category).contains("INBOX");
  }

  @Test
  void queryTermsAreTranslatedAndUnsupportedOnesNamed() throws Exception {
    graph.deliver(address, Mailboxes.mail("ada@example.org", address, "quarterly numbers", "see numbers", "", null), "inbox");
    assertThat(mail.searchMessages(search("from:ada@example.org subject:quarterly")).getMessagesList()).hasSize(1);
    assertThat(mail.searchMessages(search("is:unread after:2000/01/01")).getMessagesList()).hasSize(1);
    assertThat(mail.searchMessages(search("is:read")).getMessagesList()).isEmpty();
    assertThat(mail.searchMessages(search("has:attachment")).getMessagesList()).isEmpty();
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(search("larger:10M")));
    assertThat(failure.violations()).singleElement().satisfies(v -> {
      assertThat(v.getField()).isEqualTo("query");
      assertThat(v.getDescription()).contains("larger:10M");
    });
  }
}
