package dev.mailgate.server.tenant;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a tenant's database: runs the Flyway migrations once (JDBC, on a bounded worker pool,
 * never on an event loop) and then builds the tenant's own vertx-pg-client pool.
 */
public final class TenantDatabaseOpener {

  private static final Logger log = LoggerFactory.getLogger(TenantDatabaseOpener.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final WorkerExecutor migrations;

  public TenantDatabaseOpener(Vertx vertx, int migrationThreads) {
    this.vertx = vertx;
    this.migrations = vertx.createSharedWorkerExecutor("mailgate-migrations", migrationThreads);
  }

  /** Migrates the tenant's database and returns a new pool for it. */
  public Future<Pool> open(TenantConfig tenant) {
    long start = System.nanoTime();
    return migrations.executeBlocking(() -> migrate(tenant))
        .map(v -> {
          Pool pool = PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(tenant.database().poolSize()).setName("tenant-" + tenant.id()))
              .connectingTo(connectOptions(tenant.database()))
              .using(vertx)
              .build();
          log.info("tenant={} database opened in {} ms", tenant.id(), (System.nanoTime() - start) / 1_000_000);
          return pool;
        })
        .recover(cause -> {
          log.warn("tenant={} database could not be opened: {}", tenant.id(), cause.toString());
          return Future.failedFuture(GatewayException.retryable(Reason.TENANT_DATABASE_UNAVAILABLE,
              "the tenant's database is unavailable", RETRY_AFTER, cause));
        });
  }

  private static Void migrate(TenantConfig tenant) {
    DatabaseConfig db = tenant.database();
    var flyway = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password().reveal())
        .locations("classpath:db/migration")
        .connectRetries(0);
    db.schema().ifPresent(schema -> flyway.schemas(schema).defaultSchema(schema));
    var result = flyway.load().migrate();
    if (result.migrationsExecuted > 0) {
      log.info("tenant={} database migrated to version {}", tenant.id(), result.targetSchemaVersion);
    }
    return null;
  }

  static PgConnectOptions connectOptions(DatabaseConfig db) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.name())
        .setUser(db.user())
        .setPassword(db.password().reveal())
        .setSslMode(db.ssl() ? SslMode.REQUIRE : SslMode.DISABLE)
        .setCachePreparedStatements(true);
    db.schema().ifPresent(schema -> options.addProperty("search_path", schema));
    return options;
  }

  public Future<Void> close() {
    return migrations.close();
  }
}
