package dev.mailgate.server.tenant;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.protobuf.util.Durations;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.api.GrpcErrors;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.LogLines;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant's database going away (refusing connections, its sessions terminated) makes that
 * tenant answer UNAVAILABLE / TENANT_DATABASE_UNAVAILABLE with RetryInfo within a second, logged
 * once rather than per call, while the other tenants keep serving; it serves again within five
 * seconds of the database coming back.
 */
class TenantDatabaseOutageTest {

  private static final String RUN = "o" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final String INITECH_DATABASE = RUN + "_initech";
  private static final String SHARED_DATABASE = RUN + "_shared";

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(extraTenants());

  private static Map<String, String> extraTenants() {
    try {
      TestPostgres.get().createDatabase(INITECH_DATABASE);
      TestPostgres.get().createDatabase(SHARED_DATABASE);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> files = new HashMap<>();
    files.put("initech.yaml", TestGateway.tenantYaml("initech", INITECH_DATABASE, key("initech")));
    files.put("hooli.yaml", TestGateway.tenantYaml("hooli", SHARED_DATABASE, key("hooli"))
        .replace("  pool_size: 4", "  pool_size: 2\n  schema: hooli"));
    return files;
  }

  private static String key(String tenantId) {
    return "mgk_test_" + tenantId + "_key";
  }

  private static UserServiceGrpc.UserServiceBlockingStub users(ClientInterceptor tenant) {
    return UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(tenant)
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static UserServiceGrpc.UserServiceBlockingStub users(String tenantId) {
    return users(TestGateway.as(tenantId, key(tenantId)));
  }

  @Test
  void takenAwayDatabaseAnswersUnavailableFastLogsOnceAndServesAgainWhileOthersServe() throws Exception {
    var acme = users(TestGateway.acme());
    var globex = users(TestGateway.globex());
    acme.createUser(CreateUserRequest.newBuilder().setUserId("before-outage").build());
    warmUp();
    String database = gateway.get().database("acme");

    try (LogLines log = new LogLines(GrpcErrors.class)) {
      takeAway(database);
      for (int call = 0; call < 20; call++) {
        long start = System.nanoTime();
        var failure = assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
            () -> acme.getUser(GetUserRequest.newBuilder().setUserId("before-outage").build()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answer time").isLessThan(Duration.ofSeconds(1));
        assertThat(failure.retryInfo()).hasValueSatisfying(retry ->
            assertThat(Durations.toMillis(retry.getRetryDelay())).isEqualTo(1000));
        assertThat(failure.message()).isEqualTo("the tenant's database is unavailable");
        assertThat(globex.listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
      }

      assertThat(log.all()).noneMatch(line -> line.getThrowableProxy() != null);
      assertThat(log.containing("tenant=acme ")).singleElement().asString()
          .contains("database unavailable")
          .doesNotContain(TestPostgres.get().password().isEmpty() ? "password=" : TestPostgres.get().password());
      assertThat(log.all()).extracting(ILoggingEvent::getFormattedMessage).noneMatch(line -> line.contains("INTERNAL"));

      bringBack(database);
      assertServesWithinFiveSeconds(acme);
    }
    assertThat(acme.getUser(GetUserRequest.newBuilder().setUserId("before-outage").build()).getUserId())
        .isEqualTo("before-outage");
  }

  @Test
  void firstOpenThatFailsIsRetriedOnceTheDatabaseReturns() throws Exception {
    var initech = users("initech");
    warmUp();
    takeAway(INITECH_DATABASE);
    try {
      long start = System.nanoTime();
      GrpcAssertions.Failure failure = assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
          () -> initech.listUsers(ListUsersRequest.getDefaultInstance()));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(failure.retryInfo()).isPresent();
      assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
          () -> initech.listUsers(ListUsersRequest.getDefaultInstance()));
    } finally {
      bringBack(INITECH_DATABASE);
    }
    assertServesWithinFiveSeconds(initech);
  }

  @Test
  void schemaTenantFollowsItsSharedDatabaseAndTenantsElsewhereServe() throws Exception {
    var hooli = users("hooli");
    var acme = users(TestGateway.acme());
    hooli.listUsers(ListUsersRequest.getDefaultInstance());
    warmUp();
    takeAway(SHARED_DATABASE);
    try (LogLines debug = new LogLines(GrpcErrors.class).withDebug()) {
      for (int call = 0; call < 5; call++) {
        long start = System.nanoTime();
        assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
            () -> hooli.listUsers(ListUsersRequest.getDefaultInstance()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(acme.listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
      }
    } finally {
      bringBack(SHARED_DATABASE);
    }
    assertServesWithinFiveSeconds(hooli);
  }

  /** Warms the channel and the client's error decoding, so that answer times measure the gateway. */
  private static void warmUp() {
    var globex = users(TestGateway.globex());
    globex.listUsers(ListUsersRequest.getDefaultInstance());
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> globex.getUser(GetUserRequest.newBuilder().setUserId("nobody").build()));
  }

  /** The database refuses new connections (SQLSTATE 55000) and its open sessions are ended (57P01). */
  private static void takeAway(String database) throws Exception {
    try (Connection admin = TestPostgres.get().jdbc("postgres")) {
      admin.createStatement().execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS false");
      var terminate = admin.prepareStatement(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()");
      terminate.setString(1, database);
      terminate.executeQuery().close();
    }
  }

  private static void bringBack(String database) throws Exception {
    try (Connection admin = TestPostgres.get().jdbc("postgres")) {
      admin.createStatement().execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS true");
    }
  }

  private static void assertServesWithinFiveSeconds(UserServiceGrpc.UserServiceBlockingStub tenant) throws Exception {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        tenant.listUsers(ListUsersRequest.getDefaultInstance());
        return;
      } catch (io.grpc.StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(System.nanoTime()).as("serving again within 5 s").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }
}
