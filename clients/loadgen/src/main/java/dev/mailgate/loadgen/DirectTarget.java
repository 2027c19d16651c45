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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
   * Copied verbatim from {@code server/gateway/src/main/java/dev/mailgate/server/store/ConnectionStore.java}
   * ({@code COLUMNS} + {@code SELECT_PAGE}); keep the two in step when the gateway's query changes.
   * {@code {schema}.} stands for the tenant's schema, as in the gateway (SchemaQualifier).
   */
  static final String SELECT_PAGE = """
      SELECT c.id, u.external_id, c.provider, c.email_address, c.scopes, c.status,
      c.create_time, c.update_time, c.last_used_time, c.settings\
       FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE u.external_id = $1 AND (c.create_time, c.id) < ($2, $3)
      ORDER BY c.create_time DESC, c.id DESC
      LIMIT $4""";

  /** The page query on a tenant database of its own (tables on the search path). */
  static final String SELECT_PAGE_UNQUALIFIED = inSchema(null);

  /** The gateway's first-page cursor (ConnectionStore.END_OF_TIME / MAX_UUID). */
  private static final OffsetDateTime END_OF_TIME = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final UUID MAX_UUID = new UUID(-1L, -1L);
  /** The gateway's default page size (FieldChecks.DEFAULT_PAGE_SIZE) plus the one row it reads ahead. */
  private static final int LIMIT = 50 + 1;

  /** Statements each connection keeps prepared, as the gateway's shared pools (one per schema). */
  private static final int STATEMENT_CACHE = 4096;

  private final Pool pool;
  private final Tuple params;
  private final Tenants schemas;
  private final Map<String, String> pageBySchema = new ConcurrentHashMap<>();

  /**
   * @param connectUri {@code postgresql://user:password@host:port/database}
   * @param poolSize connections to open (the gateway's tenant default is 4)
   */
  public DirectTarget(Vertx vertx, String connectUri, int poolSize, String userId) {
    this(vertx, PgConnectOptions.fromUri(connectUri), poolSize, userId);
  }

  /** On tenants that are schemas of the database: each call queries the next one's tables by name. */
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
        .connectingTo(options.setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(STATEMENT_CACHE))
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
    String sql = schemas == null
        ? SELECT_PAGE_UNQUALIFIED
        : pageBySchema.computeIfAbsent(schemas.next().tenantId(), DirectTarget::inSchema);
    Future<RowSet<Row>> page = pool.preparedQuery(sql).execute(params);
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

  /** The page query on one schema's tables ({@code null}: the tables on the search path). */
  static String inSchema(String schema) {
    return SELECT_PAGE.replace("{schema}.", schema == null ? "" : "\"" + schema + "\".");
  }

  @Override
  public void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }
}
