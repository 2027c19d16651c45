package dev.mailgate.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.AuditServiceGrpc;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListAuditEventsRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.LogLines;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant whose database is down: its audited calls are refused UNAVAILABLE and still recorded,
 * its entries wait in a bounded buffer (here 4), failed batches are tried twice and then given up,
 * and every lost entry is counted and logged as a count, while another tenant's trail is written.
 */
class AuditOutageTest {

  private static final String KEY = "mgk_test_initech_key";

  /** Tiny bounds so that the outage fills them: batches of 2, 4 waiting per tenant, 2 attempts, 100 ms. */
  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(
      Map.of("initech.yaml", TestGateway.tenantYaml("initech", "nowhere", KEY)
          .replace("port: ${TEST_DB_PORT}", "port: " + FreePort.pick())),
      options -> options.withAudit(new AuditPolicy(true, 2, Duration.ofMillis(100), 4, 100, 2, Duration.ofMinutes(1))));

  @Test
  void aDownDatabaseLosesTheBoundedBufferCountedAndLoggedWhileOtherTenantsAreRecorded() throws Exception {
    AuditTrail trail = gateway.get().server().audit();
    try (LogLines log = new LogLines(AuditTrail.class)) {
      var initech = UserServiceGrpc.newBlockingStub(gateway.get().channel())
          .withInterceptors(TestGateway.as("initech", KEY)).withDeadlineAfter(60, TimeUnit.SECONDS);
      for (int i = 0; i < 10; i++) {
        try {
          initech.getUser(GetUserRequest.newBuilder().setUserId("mallory").build());
          throw new AssertionError("the database is down");
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (trail.lost() < 10 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(trail.lost()).isEqualTo(10);
      assertThat(trail.entriesWritten()).isZero();
      assertThat(log.containing("tenant=initech audit trail lost")).isNotEmpty()
          .allSatisfy(line -> assertThat(line).doesNotContain("mallory", KEY));
    }

    // Another tenant's trail is written as usual.
    String user = "alice-" + UUID.randomUUID().toString().substring(0, 8);
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(user).build());
    assertThat(AuditServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .listAuditEvents(ListAuditEventsRequest.newBuilder().setUserId(user).build()).getAuditEventsList())
        .hasSize(1);
    assertThat(trail.lost()).isEqualTo(10);
  }
}
