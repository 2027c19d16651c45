package dev.mailgate.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Tenant files for the limit tests: each tenant has a schema of its own in acme's test database
 * (so its own {@code rate_limit_buckets}), the key {@code mgk_test_<id>}, and the given
 * {@code rate_limits} section.
 */
final class LimitedTenants {

  private LimitedTenants() {}

  static String key(String tenantId) {
    return "mgk_test_" + tenantId;
  }

  /** The YAML of tenant {@code id} with {@code rateLimits} (the lines under {@code rate_limits:}). */
  static String yaml(String id, String rateLimits) {
    return TestGateway.tenantYaml(id, "${ACME_DATABASE}", key(id))
        .replace("  pool_size: 4\n", "  pool_size: 4\n  schema: " + id + "\n")
        + "rate_limits:\n" + rateLimits.indent(2);
  }

  /** How one call ended, as the client saw it, with the gateway's error details when it sent them. */
  record Outcome(Status.Code code, GrpcAssertions.Failure failure) {

    static Outcome of(Future<?> call) throws InterruptedException {
      try {
        call.get();
        return new Outcome(Status.Code.OK, null);
      } catch (ExecutionException e) {
        Status.Code code = Status.fromThrowable(e.getCause()).getCode();
        if (code == Status.Code.DEADLINE_EXCEEDED || StatusProto.fromThrowable(e.getCause()) == null) {
          return new Outcome(code, null); // the deadline ended it, not the gateway's answer
        }
        return new Outcome(code, GrpcAssertions.failure(() -> {
          throw e.getCause();
        }));
      }
    }

    /** RESOURCE_EXHAUSTED with reason RATE_LIMITED and a positive retry delay of at most {@code maxMillis}. */
    void assertRateLimited(long maxMillis) {
      assertThat(code).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(failure.reason()).isEqualTo("RATE_LIMITED");
      assertThat(failure.retryInfo()).as("RetryInfo").isPresent();
      var delay = failure.retryInfo().get().getRetryDelay();
      long millis = delay.getSeconds() * 1000 + delay.getNanos() / 1_000_000;
      assertThat(delay.getSeconds() * 1_000_000_000L + delay.getNanos()).as("retry delay").isPositive();
      assertThat(millis).as("retry delay (ms)").isLessThanOrEqualTo(maxMillis);
    }
  }
}
