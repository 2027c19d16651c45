package dev.mailgate.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The database half of {@code ListConnections} without the gateway: the gateway's own page query
 * issued straight to the tenant database with vertx-pg-client from this process (prepared and
 * cached, like the gateway's pool). Status {@code OK}, or {@code SQL_<sqlstate>} / {@code
 * UNAVAILABLE} for a failure.
 *
 * <p>Note: the gateway's {@code ListConnections} also looks the user up first (a second query);
 * this target issues only the page query, the "physical limit" the gateway is compared with.
 */
public final class DirectTarget implements LoadTarget {

  /**
   * Copied verbatim from {@code server/src/main/java/dev/mailgate/server/store/ConnectionStore.java}
   * ({@code COLUMNS} + {@code SELECT_PAGE}); keep the two in step when the gateway's query changes.
   */
  static final String SELECT_PAGE = """
      SELECT c.id, u.external_id, c.provider, c.email_address, c.scopes, c.status,
      c.create_time, c.update_time, c.last_used_time, c.settings\
       FROM connections c JOIN users u ON u.id = c.user_id
      WHERE u.external_id = $1 AND (c.create_time, c.id) < ($2, $3)
      ORDER BY c.create_time DESC, c.id DESC
      LIMIT $4""";

  /** The gateway's first-page cursor (ConnectionStore.END_OF_TIME / MAX_UUID). */
  private static final OffsetDateTime END_OF_TIME = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final UUID MAX_UUID = new UUID(-1L, -1L);
  /** The gateway's default page size (FieldChecks.DEFAULT_PAGE_SIZE) plus the one row it reads ahead. */
  private static final int LIMIT = 50 + 1;

  /** What the gateway runs on a borrowed connection before a schema tenant's queries (Tenant.USE_SCHEMA). */
  static final String USE_SCHEMA = "SELECT set_config('search_path', $1, false)";

  private final Pool pool;
  private final Tuple params;
  private final Tenants schemas;

  /**
   * @param connectUri {@code postgresql://user:password@host:port/database}
   * @param poolSize connections to open (the gateway's tenant default is 4)
   */
  public DirectTarget(Vertx vertx, String connectUri, int poolSize, String userId) {
    this(vertx, PgConnectOptions.fromUri(connectUri), poolSize, userId);
  }

  /** On tenants that are schemas of the database: each call sets the next one's search_path first. */
  public DirectTarget(Vertx vertx, String connectUri, int poolSize, String userId, Tenants schemas) {
    this(vertx, PgConnectOptions.fromUri(connectUri), poolSize, userId, schemas);
  }

  public DirectTarget(Vertx vertx, PgConnectOptions options, int poolSize, String userId) {
    this(vertx, options, poolSize, userId, null);
  }

  private DirectTarget(Vertx vertx, PgConnectOptions options, int poolSize, String userId, Tenants schemas) {
    this.schemas = schemas;
    this.pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setName("loadgen-direct"))
        .connectingTo(options.setCachePreparedStatements(true))
        .using(vertx)
        .build();
    this.params = Tuple.of(userId, END_OF_TIME, MAX_UUID, LIMIT);
  }

  @Override
  public String name() {
    return "direct";
  }

  @Override
  public Future<String> call() {
    Future<RowSet<Row>> page = schemas == null
        ? pool.preparedQuery(SELECT_PAGE).execute(params)
        : pool.withConnection(connection -> connection.preparedQuery(USE_SCHEMA)
            .execute(Tuple.of(schemas.next().tenantId()))
            .compose(set -> connection.preparedQuery(SELECT_PAGE).execute(params)));
    return page
        .map(rows -> {
          // Read every row's columns, as the gateway does before answering.
          for (Row row : rows) {
            row.getUUID("id");
            row.getString("email_address");
            row.getOffsetDateTime("create_time");
          }
          return OK;
        })
        .otherwise(failure -> failure instanceof PgException pg ? "SQL_" + pg.getSqlState() : "UNAVAILABLE");
  }

  @Override
  public void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }
}
