package dev.mailgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import dev.mailgate.server.watch.WatchPolicy;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A measurement, not a CI test (run it with {@code -Dmailgate.coordinationload=10000}): that many
 * ACTIVE Gmail connections in tenant acme, three gateway nodes on one coordination database with
 * the production lease timing (20 s leases renewed every 5 s), each node offering the connections
 * from its refresh and holding its share of the leases; then the coordination database's committed
 * transactions ({@code pg_stat_database.xact_commit}, every statement is its own transaction there)
 * and rows updated over 60 s with no new connections and no mail. Each connection has an access
 * token the Gmail sandbox accepts (an unsigned JWT naming the mailbox, valid for an hour), stored
 * encrypted as a sign-in stores it, so the watchers read the sandbox mailboxes as they would real ones.
 */
@EnabledIfSystemProperty(named = "mailgate.coordinationload", matches = "\\d+")
class CoordinationLoadRun {

  private static final String COORDINATION = "coord_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static final int NODES = Integer.getInteger("mailgate.coordinationload.nodes", 3);
  private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("mailgate.coordinationload.seconds", 60));

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> {
    try {
      return options
          // Refreshed every 10 minutes: the run's connection list stays as it is during the window.
          .withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofMinutes(2), Duration.ofMinutes(10)))
          .withCluster(ClusterPolicy.DEFAULT.withCoordinationDb(TestPostgres.get().createDatabaseUri(COORDINATION)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  });

  private static long[] counters() throws Exception {
    try (var db = TestPostgres.get().jdbc(COORDINATION);
        ResultSet rows = db.createStatement().executeQuery("SELECT xact_commit, xact_rollback, tup_updated, "
            + "tup_inserted, tup_deleted FROM pg_stat_database WHERE datname = current_database()")) {
      rows.next();
      return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5)};
    }
  }

  private static long[] leases() throws Exception {
    try (var db = TestPostgres.get().jdbc(COORDINATION);
        ResultSet rows = db.createStatement().executeQuery("SELECT count(*), count(*) FILTER (WHERE owner IS NOT NULL "
            + "AND expire_time > now()), count(DISTINCT owner) FROM watch_leases")) {
      rows.next();
      return new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3)};
    }
  }

  private static void storeSandboxTokens() {
    var tenant = gateway.get().server().tenants().find("acme").orElseThrow();
    var cipher = TestGateway.await(tenant.cipher());
    java.util.List<io.vertx.sqlclient.Row> rows = new java.util.ArrayList<>();
    gateway.get().onTenantData("acme", db -> db.query("SELECT id, email_address FROM {schema}.connections "
        + "WHERE email_address LIKE 'coordload%'").execute().map(set -> {
          set.forEach(rows::add);
          return rows.size();
        }));
    java.time.Instant expire = java.time.Instant.now().plus(Duration.ofHours(1));
    var store = new dev.mailgate.server.store.CredentialStore();
    for (int from = 0; from < rows.size(); from += 500) {
      java.util.List<io.vertx.sqlclient.Row> chunk = rows.subList(from, Math.min(rows.size(), from + 500));
      gateway.get().onTenantData("acme", db -> io.vertx.core.Future.all(chunk.stream().map(row -> {
        UUID id = row.getUUID("id");
        String token = sandboxToken(row.getString("email_address"), expire);
        return store.save(db, id, cipher.encrypt(id, dev.mailgate.server.crypto.SecretField.ACCESS_TOKEN, token),
            cipher.encrypt(id, dev.mailgate.server.crypto.SecretField.REFRESH_TOKEN, "refresh-" + id), expire);
      }).toList()).map(all -> all.size()));
    }
  }

  /** What the Gmail sandbox accepts as an access token for {@code mailbox}: an unsigned JWT naming it. */
  private static String sandboxToken(String mailbox, java.time.Instant expire) {
    java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String header = base64.encodeToString("{\"alg\":\"none\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String claims = new io.vertx.core.json.JsonObject().put("sub", mailbox).put("exp", expire.getEpochSecond()).encode();
    return header + "." + base64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".sig";
  }

  @Test
  void coordinationStatementsAtManyLeases() throws Exception {
    int connections = Integer.getInteger("mailgate.coordinationload");
    gateway.get().onTenantData("acme", db -> db.query("""
        INSERT INTO {schema}.users (external_id, email) VALUES ('coordload', 'coordload@example.com');
        INSERT INTO {schema}.connections (id, user_id, provider, email_address, status)
          SELECT gen_random_uuid(), u.id, 'GMAIL', 'coordload' || n || '@gmail.test', 'ACTIVE'
          FROM {schema}.users u, generate_series(1, %d) n WHERE u.external_id = 'coordload'""".formatted(connections))
        .execute().map(rows -> rows.rowCount()));
    storeSandboxTokens();
    TestGateway.Sibling[] siblings = new TestGateway.Sibling[NODES - 1];
    try {
      for (int i = 0; i < siblings.length; i++) {
        siblings[i] = gateway.get().startSibling();
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      long[] held;
      do {
        Thread.sleep(1_000);
        held = leases();
      } while ((held[1] < connections || held[2] < NODES) && System.nanoTime() < deadline);
      System.out.printf("leases: %d, held: %d, owners: %d%n", held[0], held[1], held[2]);
      assertThat(held[1]).isGreaterThanOrEqualTo(connections);
      Thread.sleep(15_000); // the claims' aftermath (feed reads failing, balance) settles
      long[] before = counters();
      long start = System.nanoTime();
      Thread.sleep(WINDOW.toMillis());
      long[] after = counters();
      double seconds = (System.nanoTime() - start) / 1e9;
      held = leases();
      System.out.printf("COORDINATION LOAD: %d leases held by %d nodes over %.1f s: xact_commit %.2f/s (%.2f/s per node),"
          + " xact_rollback %.2f/s, tup_updated %.0f/s, tup_inserted %.2f/s, tup_deleted %.2f/s%n", held[1], held[2],
          seconds, (after[0] - before[0]) / seconds, (after[0] - before[0]) / seconds / NODES,
          (after[1] - before[1]) / seconds, (after[2] - before[2]) / seconds, (after[3] - before[3]) / seconds,
          (after[4] - before[4]) / seconds);
    } finally {
      for (TestGateway.Sibling sibling : siblings) {
        if (sibling != null) {
          sibling.close();
        }
      }
    }
  }
}
