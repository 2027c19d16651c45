package dev.mailgate.server.limits;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.ListUsersResponse;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tenant's rate_limits are enforced on every authenticated call, through gRPC; health and reflection never. */
class TenantRateLimitTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
      "limited.yaml", LimitedTenants.yaml("limited", "requests_per_second: 50\nburst: 100\n"),
      "spent.yaml", LimitedTenants.yaml("spent", "requests_per_second: 1\nburst: 1\n"),
      "peruser.yaml", LimitedTenants.yaml("peruser",
          "requests_per_second: 1000\nburst: 1000\nper_user: { requests_per_second: 1, burst: 3 }\n"),
      "bulkhead.yaml", LimitedTenants.yaml("bulkhead", "requests_per_second: 1000\nburst: 1000\nmax_in_flight: 2\n")));

  private static UserServiceGrpc.UserServiceFutureStub users(String tenantId, String key) {
    return UserServiceGrpc.newFutureStub(gateway.get().channel()).withInterceptors(TestGateway.as(tenantId, key));
  }

  private static UserServiceGrpc.UserServiceBlockingStub blocking(String tenantId) {
    return UserServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.as(tenantId, LimitedTenants.key(tenantId)));
  }

  /** 400 ListUsers at once; the outcomes in order, and how long they took in seconds. */
  private static List<LimitedTenants.Outcome> fourHundredAtOnce(UserServiceGrpc.UserServiceFutureStub stub,
      double[] seconds) throws Exception {
    long start = System.nanoTime();
    List<ListenableFuture<ListUsersResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      calls.add(stub.listUsers(ListUsersRequest.getDefaultInstance()));
    }
    List<LimitedTenants.Outcome> outcomes = new ArrayList<>();
    for (ListenableFuture<ListUsersResponse> call : calls) {
      outcomes.add(LimitedTenants.Outcome.of(call));
    }
    seconds[0] = (System.nanoTime() - start) / 1e9;
    return outcomes;
  }

  @Test
  void fourHundredCallsAtOnceGetTheBurstAndTheRestAreRateLimitedWithRetryInfo() throws Exception {
    double[] seconds = new double[1];
    List<LimitedTenants.Outcome> outcomes = fourHundredAtOnce(users("limited", LimitedTenants.key("limited")), seconds);

    long ok = outcomes.stream().filter(o -> o.code() == Status.Code.OK).count();
    // The burst (100), plus what 50/s refilled while the calls ran, plus one lease's rounding.
    assertThat(ok).isBetween(100L, 100 + (long) Math.ceil(50 * seconds[0]) + 3);
    outcomes.stream().filter(o -> o.code() != Status.Code.OK).forEach(o -> o.assertRateLimited(1000));
    // Other tenants keep being served.
    assertThat(UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.globex())
        .listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void aTenantWithoutRateLimitsIsNotLimited() throws Exception {
    double[] seconds = new double[1];
    List<LimitedTenants.Outcome> outcomes = fourHundredAtOnce(users("acme", TestGateway.ACME_KEY), seconds);

    assertThat(outcomes).allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.OK));
  }

  @Test
  void healthAndReflectionAreNeverLimited() throws Exception {
    var spent = users("spent", LimitedTenants.key("spent"));
    assertThat(someRateLimited(spent, null)).isTrue();

    var health = HealthGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.as("spent", LimitedTenants.key("spent")));
    for (int i = 0; i < 200; i++) {
      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(listServices()).contains("mailgate.v1.UserService");
    }
    // The tenant itself is still limited.
    assertThat(someRateLimited(spent, null)).isTrue();
  }

  /**
   * Ten calls at once (ListUsers, or GetUser of {@code userId}); true if at least one was RATE_LIMITED.
   * Every call that passed the limits ends as the service answers it (OK, or USER_NOT_FOUND).
   */
  private static boolean someRateLimited(UserServiceGrpc.UserServiceFutureStub stub, String userId) throws Exception {
    List<ListenableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(userId == null ? stub.listUsers(ListUsersRequest.getDefaultInstance())
          : stub.getUser(GetUserRequest.newBuilder().setUserId(userId).build()));
    }
    boolean limited = false;
    for (ListenableFuture<?> call : calls) {
      LimitedTenants.Outcome outcome = LimitedTenants.Outcome.of(call);
      if (outcome.code() == Status.Code.RESOURCE_EXHAUSTED) {
        outcome.assertRateLimited(1000);
        limited = true;
      } else if (outcome.code() != Status.Code.OK) {
        assertThat(outcome.failure().reason()).isEqualTo("USER_NOT_FOUND");
      }
    }
    return limited;
  }

  private static List<String> listServices() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(gateway.get().channel())
        .withInterceptors(TestGateway.as("spent", LimitedTenants.key("spent")))
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return response.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
  }

  @Test
  void perUserLimitsIsolateUsers() throws Exception {
    var tenant = users("peruser", LimitedTenants.key("peruser"));
    // alice (1/s, burst 3) is held back; three calls at once for bob right after all pass.
    assertThat(someRateLimited(tenant, "alice")).isTrue();
    List<ListenableFuture<?>> bob = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bob.add(tenant.getUser(GetUserRequest.newBuilder().setUserId("bob").build()));
    }
    for (ListenableFuture<?> call : bob) {
      assertThat(LimitedTenants.Outcome.of(call).failure().reason()).isEqualTo("USER_NOT_FOUND");
    }
    // Calls naming no user are not held back either.
    assertThat(someRateLimited(tenant, null)).isFalse();
  }

  @Test
  void theCapOnCallsInFlightRefusesOneMoreSlowCallAndFreesTheSlotWhenTheWorkEnds() throws Exception {
    var tenant = users("bulkhead", LimitedTenants.key("bulkhead"));
    tenant.listUsers(ListUsersRequest.getDefaultInstance()).get(60, TimeUnit.SECONDS); // its schema is ready
    ListenableFuture<ListUsersResponse> slow;
    ListenableFuture<ListUsersResponse> slowWithDeadline;
    try (Connection lock = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
      // The tenant's users table is locked: its ListUsers calls wait in the database until the lock goes.
      lock.setAutoCommit(false);
      lock.createStatement().execute("LOCK TABLE bulkhead.users IN ACCESS EXCLUSIVE MODE");
      slow = tenant.listUsers(ListUsersRequest.getDefaultInstance());
      awaitWaitingOnTheLock(lock, 1);
      slowWithDeadline = tenant.withDeadlineAfter(3, TimeUnit.SECONDS).listUsers(ListUsersRequest.getDefaultInstance());
      Thread.sleep(500); // it queues behind the first (the pool may pipeline it on the same connection)

      LimitedTenants.Outcome third = LimitedTenants.Outcome.of(
          tenant.withDeadlineAfter(20, TimeUnit.SECONDS).listUsers(ListUsersRequest.getDefaultInstance()));
      third.assertRateLimited(1000);
      assertThat(third.failure().message()).contains("in flight");
      // The client gave up on one slow call, but its work still holds the database: its slot stays taken.
      assertThat(LimitedTenants.Outcome.of(slowWithDeadline).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      LimitedTenants.Outcome.of(tenant.withDeadlineAfter(20, TimeUnit.SECONDS)
          .listUsers(ListUsersRequest.getDefaultInstance())).assertRateLimited(1000);
      // Another tenant on the same database is not held back by this one's cap.
      assertThat(blocking("peruser").listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
      lock.rollback();
    }
    assertThat(slow.get(30, TimeUnit.SECONDS).getUsersList()).isEmpty();
    // Both slots are free again once the work has ended: two calls at once pass.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      var first = tenant.listUsers(ListUsersRequest.getDefaultInstance());
      var second = tenant.listUsers(ListUsersRequest.getDefaultInstance());
      if (LimitedTenants.Outcome.of(first).code() == Status.Code.OK
          && LimitedTenants.Outcome.of(second).code() == Status.Code.OK) {
        break;
      }
      assertThat(System.nanoTime()).as("slots freed within 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Waits until {@code count} sessions of the database wait on a lock. */
  private static void awaitWaitingOnTheLock(Connection connection, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (ResultSet rows = connection.createStatement().executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
        rows.next();
        if (rows.getInt(1) >= count) {
          return;
        }
      }
      assertThat(System.nanoTime()).as(count + " calls waiting on the lock within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
