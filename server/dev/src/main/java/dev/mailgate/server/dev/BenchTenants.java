package dev.mailgate.server.dev;

import dev.mailgate.server.sandbox.EmbeddedDatabase;
import dev.mailgate.tenant.config.ApiKey;
import dev.mailgate.tenant.config.ApiKeys;
import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.tenant.config.RateLimits;
import dev.mailgate.tenant.config.Secret;
import dev.mailgate.tenant.config.TenantConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;

/**
 * {@code dev --bench-tenants N}: N benchmark tenants {@code bench0000, bench0001, ...}, each with a
 * schema of its own in one database ({@value #DATABASE}), migrated and seeded before the gateway
 * starts, so the gateway meets them cold but with their migrations done. Each has the published
 * bench key {@code mgk_bench_<tenant id>} and a user {@code alice} with two connections. Their rate
 * limits ({@link #LIMITS}: every kind, each far above any load the bench makes) are on, so the bench
 * measures the hot path with limits as a tenant with limits has it.
 */
final class BenchTenants {

  static final String DATABASE = "mailgate_bench";

  /** A million calls a second (tenant and per user) and 10,000 in flight: enforced, never reached. */
  static final RateLimits LIMITS = new RateLimits(new RateLimits.Rate(1_000_000, 1_000_000),
      Optional.of(new RateLimits.Rate(1_000_000, 1_000_000)), OptionalInt.of(10_000));

  private BenchTenants() {}

  static String id(int index) {
    return "bench%04d".formatted(index);
  }

  static String apiKey(String tenantId) {
    return "mgk_bench_" + tenantId;
  }

  /** Creates (or brings up to date) the tenants' schemas and returns their configuration. */
  static List<TenantConfig> prepare(EmbeddedDatabase database, int count) throws Exception {
    database.createDatabase(DATABASE);
    List<TenantConfig> tenants = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = id(i);
      DatabaseConfig db = new DatabaseConfig(database.host(), database.port(), DATABASE, EmbeddedDatabase.USER,
          Secret.of(""), 4, Optional.of(id), false);
      tenants.add(new TenantConfig(id, db, List.of(new ApiKey("bench", ApiKeys.sha256(apiKey(id)))), Map.of(),
          List.of(), Optional.empty(), Optional.of(LIMITS), Path.of("bench", id + ".yaml")));
    }
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (TenantConfig tenant : tenants) {
        done.add(workers.submit(() -> {
          migrateAndSeed(tenant.database());
          return null;
        }));
      }
      for (Future<?> each : done) {
        each.get();
      }
    } finally {
      workers.shutdownNow();
    }
    return tenants;
  }

  private static void migrateAndSeed(DatabaseConfig db) throws Exception {
    String schema = db.schema().orElseThrow();
    Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), "")
        .locations("classpath:db/migration")
        .schemas(schema)
        .defaultSchema(schema)
        .load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
      connection.createStatement().execute("""
          INSERT INTO users (external_id, email) VALUES ('alice', 'alice@example.com') ON CONFLICT DO NOTHING;
          INSERT INTO connections (id, user_id, provider, email_address, status)
            SELECT gen_random_uuid(), id, provider, 'alice@example.com', 'ACTIVE'
            FROM users, (VALUES ('GMAIL'), ('IMAP')) AS p (provider) WHERE external_id = 'alice'
            ON CONFLICT DO NOTHING;
          """);
    }
  }
}
