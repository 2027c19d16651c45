package dev.mailgate.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SearchMessagesResponse;
import dev.mailgate.server.testing.Answers;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow providers fill the gateway's bounded queues: the Gmail worker pool (2 threads, 2 waiting)
 * and Microsoft Graph's per-mailbox queue (4 in flight, 2 waiting). Calls beyond them are
 * refused at once with UNAVAILABLE / GATEWAY_OVERLOADED and a RetryInfo instead of queueing.
 */
class ProviderOverloadTest {

  private static final int CALLS = 14;

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options
      .withProviderThreads(2)
      .withBounds(options.bounds().withProviderQueue(2)));

  @AfterEach
  void fastAgain() {
    gateway.get().providers().sandbox().gmail().latency(Duration.ZERO);
    gateway.get().providers().sandbox().graph().latency(Duration.ZERO);
  }

  /** What one call ended with: its answer, or its status code and ErrorInfo reason. */
  private record Outcome(boolean ok, Status.Code code, String reason, boolean retryInfo) {}

  /** {@value #CALLS} searches at once; a search of an empty Gmail mailbox is one Gmail request. */
  private static List<Outcome> concurrentSearches(Connection connection, String userId) throws Exception {
    MailServiceGrpc.MailServiceStub async = MailServiceGrpc.newStub(gateway.get().channel())
        .withInterceptors(TestGateway.acme());
    SearchMessagesRequest request = SearchMessagesRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setPageSize(5).build();
    List<CompletableFuture<SearchMessagesResponse>> answers = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      answers.add(Answers.of(observer -> async.withDeadlineAfter(30, TimeUnit.SECONDS).searchMessages(request, observer)));
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (CompletableFuture<SearchMessagesResponse> answer : answers) {
      try {
        answer.get(40, TimeUnit.SECONDS);
        outcomes.add(new Outcome(true, Status.Code.OK, "", false));
      } catch (ExecutionException e) {
        StatusRuntimeException failure = (StatusRuntimeException) e.getCause();
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        String reason = "";
        boolean retry = false;
        if (details != null) {
          for (var detail : details.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
              reason = detail.unpack(ErrorInfo.class).getReason();
            } else if (detail.is(RetryInfo.class)) {
              retry = detail.unpack(RetryInfo.class).hasRetryDelay();
            }
          }
        }
        outcomes.add(new Outcome(false, failure.getStatus().getCode(), reason, retry));
      }
    }
    return outcomes;
  }

  private static void assertOverloadedAndRecovers(List<Outcome> outcomes, Connection connection, String userId) {
    List<Outcome> refused = outcomes.stream().filter(o -> !o.ok()).toList();
    assertThat(refused).as("calls beyond the queue are refused").isNotEmpty();
    assertThat(refused).allSatisfy(o -> {
      assertThat(o.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(o.reason()).isEqualTo("GATEWAY_OVERLOADED");
      assertThat(o.retryInfo()).as("RetryInfo").isTrue();
    });
    gateway.get().providers().sandbox().gmail().latency(Duration.ZERO);
    gateway.get().providers().sandbox().graph().latency(Duration.ZERO);
    // Once the provider is fast again, the same call is served.
    MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId)
            .setConnectionId(connection.getConnectionId()).setPageSize(5).build());
  }

  @Test
  void aSlowGmailFillsTheWorkerQueueAndFurtherCallsAreRefused() throws Exception {
    String userId = Mailboxes.newUserId("busy");
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + "@gmail.test");
    gateway.get().providers().sandbox().gmail().latency(Duration.ofMillis(1500));
    List<Outcome> outcomes = concurrentSearches(connection, userId);
    // 2 running and 2 waiting at most: those are served, the rest refused.
    assertThat(outcomes.stream().filter(Outcome::ok).count()).as("served").isBetween(1L, 4L);
    assertThat(outcomes.stream().filter(o -> !o.ok()).count()).as("refused").isGreaterThanOrEqualTo(CALLS - 4);
    assertOverloadedAndRecovers(outcomes, connection, userId);
  }

  @Test
  void aSlowGraphFillsTheMailboxQueueAndFurtherCallsAreRefused() throws Exception {
    String userId = Mailboxes.newUserId("busy");
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_OUTLOOK,
        userId + "@outlook.test");
    gateway.get().providers().sandbox().graph().latency(Duration.ofMillis(1500));
    // A search of an Outlook mailbox also looks up its well-known folders: 7 Graph requests, more
    // than the mailbox's 4 in flight and 2 waiting, so with a slow Graph some calls are refused.
    assertOverloadedAndRecovers(concurrentSearches(connection, userId), connection, userId);
  }
}
