package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WatchMailbox, once the one RPC of the v1 contract that answered NOT_IMPLEMENTED, is bound through
 * the streaming path: a bad request ends the stream with INVALID_ARGUMENT, and unauthenticated and
 * rate-limited callers are refused as on every other call. (RpcBinder's notYet binding is still
 * tested by StreamingRpcTest.)
 */
class NotYetImplementedTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of("spent.yaml",
      TestGateway.tenantYaml("spent", "${ACME_DATABASE}", "mgk_test_spent")
          .replace("  pool_size: 4\n", "  pool_size: 4\n  schema: spent\n")
          + "rate_limits:\n  requests_per_second: 1\n  burst: 1\n"));

  private static MailServiceGrpc.MailServiceBlockingStub mail(io.grpc.ClientInterceptor tenant) {
    return MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(tenant);
  }

  @Test
  void aBadWatchRequestEndsTheStream() {
    Failure watch = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail(TestGateway.acme())
        .watchMailbox(WatchMailboxRequest.getDefaultInstance()).hasNext());
    assertThat(watch.violations()).extracting(v -> v.getField()).contains("user_id");
  }

  @Test
  void watchingNeedsAKey() {
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> mail(TestGateway.as("acme", "mgk_wrong"))
        .watchMailbox(WatchMailboxRequest.getDefaultInstance()).hasNext());
  }

  @Test
  void watchingIsRateLimited() {
    boolean limited = false;
    for (int i = 0; i < 5 && !limited; i++) {
      try {
        mail(TestGateway.as("spent", "mgk_test_spent")).watchMailbox(WatchMailboxRequest.getDefaultInstance()).hasNext();
      } catch (StatusRuntimeException e) {
        String reason = assertFails(e.getStatus().getCode(), e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
            ? "RATE_LIMITED" : "INVALID_ARGUMENT", () -> {
              throw e;
            }).reason();
        limited = reason.equals("RATE_LIMITED");
      }
    }
    assertThat(limited).as("a call was RATE_LIMITED").isTrue();
  }
}
