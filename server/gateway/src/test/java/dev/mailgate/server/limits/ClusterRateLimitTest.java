package dev.mailgate.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limit is the tenant's, not each node's: two gateway processes on the same tenant databases
 * together give a tenant its configured rate; and a gateway run with {@code --rate-limits off} does
 * not limit.
 */
class ClusterRateLimitTest {

  // Low enough that 2 x 24 callers ask for more even on an overloaded 2-core machine (calls of 1 s
  // seen there), high enough that a few calls more or less stay within the 10 %.
  private static final int RATE = 10;
  private static final int BURST = 10;
  private static final long LOAD_MILLIS = 5000;
  private static final int CALLERS_PER_GATEWAY = 24;

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
      "shared.yaml", LimitedTenants.yaml("shared", "requests_per_second: " + RATE + "\nburst: " + BURST + "\n"),
      "tight.yaml", LimitedTenants.yaml("tight", "requests_per_second: 1\nburst: 1\n")));

  private static UserServiceGrpc.UserServiceBlockingStub users(Channel channel, String tenantId) {
    return UserServiceGrpc.newBlockingStub(channel).withInterceptors(
        TestGateway.as(tenantId, LimitedTenants.key(tenantId)));
  }

  @Test
  void twoGatewaysOnTheSameDatabasesTogetherGetTheTenantsRateWithinTenPercent() throws Exception {
    try (TestGateway.Sibling sibling = gateway.get().startSibling()) {
      List<UserServiceGrpc.UserServiceBlockingStub> nodes =
          List.of(users(gateway.get().channel(), "shared"), users(sibling.channel(), "shared"));
      for (var node : nodes) {
        node.listUsers(ListUsersRequest.getDefaultInstance()); // migrations and the first lease
      }
      Thread.sleep(1000L * BURST / RATE + 300); // the bucket is full again

      AtomicLong ok = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      long start = System.nanoTime();
      long end = start + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
      List<Thread> callers = new ArrayList<>();
      for (var node : nodes) {
        for (int i = 0; i < CALLERS_PER_GATEWAY; i++) {
          Thread caller = new Thread(() -> callUntil(node, end, ok, refused, unexpected), "caller");
          caller.start();
          callers.add(caller);
        }
      }
      for (Thread caller : callers) {
        caller.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      assertThat(unexpected).isEmpty();
      assertThat(refused.get()).as("the callers asked for more than the rate").isPositive();
      // Calls were admitted from the start until shortly after the callers stopped starting new ones
      // (a call started before the end may wait for a lease): between the load's time and the elapsed
      // time, which are the same on a quiet machine. One limit per node would let through about twice.
      double least = BURST + RATE * LOAD_MILLIS / 1000.0;
      double most = BURST + RATE * seconds;
      assertThat((double) ok.get()).as("calls passed in %.2f s (load %d ms) at %d/s, burst %d", seconds, LOAD_MILLIS,
          RATE, BURST).isBetween(0.9 * least, 1.1 * most);
    }
  }

  /** Calls as fast as answers come, honouring RetryInfo when refused, until {@code end}. */
  private static void callUntil(UserServiceGrpc.UserServiceBlockingStub node, long end, AtomicLong ok,
      AtomicLong refused, ConcurrentLinkedQueue<Throwable> unexpected) {
    while (System.nanoTime() < end) {
      try {
        node.listUsers(ListUsersRequest.getDefaultInstance());
        ok.incrementAndGet();
      } catch (StatusRuntimeException e) {
        try {
          GrpcAssertions.Failure failure = GrpcAssertions.assertFails(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED",
              () -> {
                throw e;
              });
          refused.incrementAndGet();
          var delay = failure.retryInfo().orElseThrow().getRetryDelay();
          Thread.sleep(Math.min(50, delay.getSeconds() * 1000 + delay.getNanos() / 1_000_000 + 1));
        } catch (Throwable wrong) {
          unexpected.add(wrong);
          return;
        }
      }
    }
  }

  @Test
  void aGatewayWithRateLimitsOffLimitsNoTenant() throws Exception {
    try (TestGateway.Sibling off = gateway.get().startSibling(options -> options.withRateLimits(false))) {
      var unlimited = UserServiceGrpc.newFutureStub(off.channel())
          .withInterceptors(TestGateway.as("tight", LimitedTenants.key("tight")));
      var limited = UserServiceGrpc.newFutureStub(gateway.get().channel())
          .withInterceptors(TestGateway.as("tight", LimitedTenants.key("tight")));
      List<ListenableFuture<?>> offCalls = new ArrayList<>();
      List<ListenableFuture<?>> onCalls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        offCalls.add(unlimited.listUsers(ListUsersRequest.getDefaultInstance()));
        onCalls.add(limited.listUsers(ListUsersRequest.getDefaultInstance()));
      }
      for (ListenableFuture<?> call : offCalls) {
        assertThat(LimitedTenants.Outcome.of(call).code()).isEqualTo(Status.Code.OK);
      }
      long refused = 0;
      for (ListenableFuture<?> call : onCalls) {
        LimitedTenants.Outcome outcome = LimitedTenants.Outcome.of(call);
        if (outcome.code() != Status.Code.OK) {
          outcome.assertRateLimited(1000);
          refused++;
        }
      }
      assertThat(refused).as("refused by the gateway with limits on").isPositive();
    }
  }
}
