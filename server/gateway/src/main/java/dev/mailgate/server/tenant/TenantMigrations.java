package dev.mailgate.server.tenant;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a tenant's schema up to date once per gateway process: one query reads the version
 * Flyway last applied, and only a schema that is behind (or new) runs Flyway (JDBC, on a bounded
 * worker pool, with its connections counted against the gateway's cap). No call ever runs Flyway
 * twice.
 */
final class TenantMigrations {

  /** The highest migration in {@code db/migration}; TenantMigrationsTest checks the two agree. */
  static final String LATEST_VERSION = "12";

  private static final Logger log = LoggerFactory.getLogger(TenantMigrations.class);
  private static final String UNDEFINED_TABLE = "42P01";

  private final WorkerExecutor workers;
  private final DatabasePools pools;

  TenantMigrations(Vertx vertx, int threads, DatabasePools pools) {
    this.workers = vertx.createSharedWorkerExecutor("mailgate-migrations", threads);
    this.pools = pools;
  }

  /**
   * Completes once the tenant's schema is at {@link #LATEST_VERSION}. {@code onSchema} runs a query
   * on the tenant's schema; Flyway runs only if that query finds the schema behind or missing.
   */
  Future<Void> ensure(TenantConfig tenant, Function<Function<SqlClient, Future<String>>, Future<String>> onSchema) {
    Function<SqlClient, Future<String>> versionQuery = TenantMigrations::appliedVersion;
    return onSchema.apply(versionQuery)
        .compose(version -> LATEST_VERSION.equals(version) ? Future.<Void>succeededFuture() : migrate(tenant))
        // Logged by api.GrpcErrors, at most once per tenant per interval.
        .recover(cause -> Future.failedFuture(cause instanceof GatewayException ? cause
            : GatewayException.retryable(Reason.TENANT_DATABASE_UNAVAILABLE,
                "the tenant's database is unavailable", DatabaseUnavailable.RETRY_AFTER, cause)));
  }

  private static Future<String> appliedVersion(SqlClient db) {
    return db.query("SELECT version FROM {schema}.flyway_schema_history WHERE success AND version IS NOT NULL"
            + " ORDER BY installed_rank DESC LIMIT 1").execute()
        .map(rows -> rows.size() == 0 ? "" : rows.iterator().next().getString(0))
        .recover(cause -> cause instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())
            ? Future.succeededFuture("")
            : Future.failedFuture(cause));
  }

  private Future<Void> migrate(TenantConfig tenant) {
    return pools.withMigrationConnections(() -> workers.executeBlocking(() -> {
      DatabaseConfig db = tenant.database();
      var flyway = Flyway.configure()
          .dataSource(db.jdbcUrl(), db.user(), db.password().reveal())
          .locations("classpath:db/migration")
          .connectRetries(0);
      db.schema().ifPresent(schema -> flyway.schemas(schema).defaultSchema(schema));
      var result = flyway.load().migrate();
      log.info("tenant={} database migrated to version {} ({} migrations)", tenant.id(),
          result.targetSchemaVersion, result.migrationsExecuted);
      return null;
    }));
  }

  Future<Void> close() {
    return workers.close();
  }
}
