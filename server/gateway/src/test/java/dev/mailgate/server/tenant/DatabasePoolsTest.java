package dev.mailgate.server.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.User;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.store.SendLog;
import dev.mailgate.server.store.SendReports;
import dev.mailgate.server.store.SendRequestStore;
import dev.mailgate.server.store.UserStore;
import io.vertx.pgclient.PgException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many tenants on a small connection cap, through gRPC: 40 schema tenants sharing globex's
 * database plus acme and globex with databases of their own, all under a cap of 3 PostgreSQL
 * connections. Calls wait for connections instead of failing, PostgreSQL never sees more than
 * the cap, every tenant sees only its own rows, and idle pools close and give their connections
 * back.
 */
class DatabasePoolsTest {

  private static final int SCHEMA_TENANTS = 40;
  private static final int CAP = 3;
  private static final Duration IDLE = Duration.ofMillis(400);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(schemaTenants(),
      options -> options.withDatabaseLimits(CAP, IDLE));

  private static Map<String, String> schemaTenants() {
    Map<String, String> files = new HashMap<>();
    for (int i = 0; i < SCHEMA_TENANTS; i++) {
      String id = "s%02d".formatted(i);
      files.put(id + ".yaml", TestGateway.tenantYaml(id, "${GLOBEX_DATABASE}", key(id))
          .replace("  pool_size: 4", "  pool_size: 2\n  schema: " + id));
    }
    return files;
  }

  private static String key(String tenantId) {
    return "mgk_test_" + tenantId + "_key";
  }

  private static UserServiceGrpc.UserServiceBlockingStub users(String tenantId) {
    String key = switch (tenantId) {
      case "acme" -> TestGateway.ACME_KEY;
      case "globex" -> TestGateway.GLOBEX_KEY;
      default -> key(tenantId);
    };
    return UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.as(tenantId, key))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @Test
  void manyTenantsWaitForCappedConnectionsAndEachSeesOnlyItsOwnRows() throws Exception {
    List<String> tenants = new ArrayList<>(List.of("acme", "globex"));
    for (int i = 0; i < SCHEMA_TENANTS; i++) {
      tenants.add("s%02d".formatted(i));
    }
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger mostSeen = new AtomicInteger();
    AtomicInteger mostReserved = new AtomicInteger();
    CompletableFuture<Void> monitor = CompletableFuture.runAsync(() -> {
      try (Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
        while (loading.get()) {
          mostSeen.accumulateAndGet(gatewayConnections(db), Math::max);
          Thread.sleep(2);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    ExecutorService callers = Executors.newFixedThreadPool(tenants.size() * 2);
    try {
      List<CompletableFuture<List<String>>> listed = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (String tenant : tenants) {
          String userId = "owner-" + tenant + "-" + round;
          listed.add(CompletableFuture.supplyAsync(() -> {
            users(tenant).createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
            return users(tenant).listUsers(ListUsersRequest.newBuilder().setPageSize(100).build()).getUsersList()
                .stream().map(User::getUserId).filter(id -> id.startsWith("owner-")).toList();
          }, callers));
        }
      }
      for (int round = 0; round < 2; round++) {
        for (int t = 0; t < tenants.size(); t++) {
          String tenant = tenants.get(t);
          assertThat(listed.get(round * tenants.size() + t).get(120, TimeUnit.SECONDS))
              .as("users %s sees", tenant)
              .isNotEmpty()
              .allMatch(id -> id.startsWith("owner-" + tenant + "-"));
        }
      }
    } finally {
      loading.set(false);
      callers.shutdownNow();
    }
    monitor.get(10, TimeUnit.SECONDS);
    assertThat(mostReserved.get()).isLessThanOrEqualTo(CAP);
    assertThat(mostSeen.get()).as("connections PostgreSQL saw at once").isBetween(1, CAP);
  }

  @Test
  void idlePoolsCloseAndOpenAgainOnTheNextCall() throws Exception {
    assertThat(users("s07").listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
    DatabasePools pools = gateway.get().server().tenants().pools();
    // Generous: under CI load the previous test's last calls may still be finishing (a call waits
    // up to Vert.x's 30 s for a pooled connection); an idle pool closes 400 ms after its last call.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    try (Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
      while ((pools.openPools() > 0 || gatewayConnections(db) > 0) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(pools.describeOpen()).as("pools still open").isEmpty();
      assertThat(pools.reservedConnections()).isZero();
      assertThat(gatewayConnections(db)).isZero();
    }
    assertThat(users("s07").listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
    assertThat(pools.openPools()).isEqualTo(1);
  }

  @Test
  void statementsNameTheTenantsSchemaAndOnesThatDoNotFailClosed() {
    Tenant s03 = gateway.get().server().tenants().find("s03").orElseThrow();
    users("s03").createUser(CreateUserRequest.newBuilder().setUserId("only-in-s03").build());

    long found = TestGateway.await(s03.withDatabase(db -> db.preparedQuery(
        "SELECT count(*) FROM {schema}.users WHERE external_id = 'only-in-s03'").execute()))
        .iterator().next().getLong(0);
    assertThat(found).isEqualTo(1);
    // Without the marker the shared connection (search_path = pg_catalog) has no tenant tables at all.
    assertThatThrownBy(() -> TestGateway.await(s03.withDatabase(db -> db.query("SELECT count(*) FROM users").execute())))
        .isInstanceOf(PgException.class).hasMessageContaining("42P01");
  }

  /**
   * Every statement the gateway holds for tenant data, prepared (parsed and resolved by
   * PostgreSQL, not run) on a schema tenant's shared connection: a table named without the
   * marker would not resolve there.
   */
  @Test
  void everyTenantStatementResolvesOnASchemaTenant() throws Exception {
    List<String> statements = new ArrayList<>();
    for (Class<?> holder : List.of(ConnectionStore.class, CredentialStore.class, UserStore.class,
        dev.mailgate.server.events.EventLog.class,
        SendRequestStore.class, SendLog.class, SendReports.class, dev.mailgate.server.store.TenantOverview.class,
        Class.forName("dev.mailgate.server.oauth.AuthorizationStates"),
        Class.forName("dev.mailgate.server.webhook.EndpointStore"),
        Class.forName("dev.mailgate.server.webhook.DeliveryStore"),
        Class.forName("dev.mailgate.server.agent.AgentTokenStore"))) {
      for (Field field : holder.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
          field.setAccessible(true);
          String sql = (String) field.get(null);
          if (sql.matches("(?s)\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\b.*")) {
            statements.add(sql);
          }
        }
      }
    }
    assertThat(statements).hasSizeGreaterThan(25).allMatch(sql -> sql.contains(SchemaQualifier.MARKER));

    Tenant s05 = gateway.get().server().tenants().find("s05").orElseThrow();
    for (String sql : statements) {
      assertThatCode(() -> TestGateway.await(s05.withDatabase(db -> db.query(
          "PREPARE resolves AS " + sql + "; DEALLOCATE resolves").execute())))
          .as(sql).doesNotThrowAnyException();
    }
  }

  /**
   * The gateway's connections to this test's two databases, told apart by the application name
   * it gives PostgreSQL (not the monitor's own, not autovacuum workers busy with the schemas).
   */
  private static int gatewayConnections(Connection db) throws Exception {
    var query = db.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname IN (?, ?)"
        + " AND application_name = '" + DatabaseConfig.APPLICATION_NAME + "' AND backend_type = 'client backend'");
    query.setString(1, gateway.get().database("acme"));
    query.setString(2, gateway.get().database("globex"));
    var rows = query.executeQuery();
    rows.next();
    return rows.getInt(1);
  }
}
