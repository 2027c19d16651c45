package dev.mailgate.server.tenant;

import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.tenant.config.DatabaseTls;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every PostgreSQL pool of the gateway. Tenants with a database of their own get a pool each;
 * tenants with a schema each in the same database share one pool (their statements name their
 * schema, see {@link SchemaQualifier}). Pools open lazily, close after {@code idleTimeout} without use,
 * and together never hold more than the configured number of connections.
 */
public final class DatabasePools {

  private static final Logger log = LoggerFactory.getLogger(DatabasePools.class);

  /** What makes two tenants' connections interchangeable. */
  private record Location(String host, int port, String database, String user, String password, DatabaseTls tls,
      boolean schemaPerTenant) {
    @Override
    public String toString() {
      return user + "@" + host + ":" + port + "/" + database + (schemaPerTenant ? " (schemas)" : "");
    }
  }

  /**
   * Prepared statements each connection keeps: a database of its own needs a few dozen; a
   * shared pool holds a copy of every statement per schema (1,000 tenants calling the same two
   * RPCs fill 2,000), and re-preparing an evicted one costs what re-planning did before.
   */
  private static final int STATEMENTS_PER_CONNECTION = 256;
  private static final int STATEMENTS_PER_SHARED_CONNECTION = 4096;

  /**
   * How long opening a connection may take: a database that does not answer fails calls quickly
   * (TENANT_DATABASE_UNAVAILABLE) instead of holding them. The wait for a pooled connection keeps
   * Vert.x's default (30 s): a shorter PoolOptions connection timeout left calls hanging under
   * DatabasePoolsTest's capped load (Vert.x 5.0.7), to be looked into.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /** Flyway works on one connection and keeps its schema-history lock on a second. */
  static final int MIGRATION_CONNECTIONS = 2;

  private final Vertx vertx;
  private final ConnectionBudget budget;
  private final Duration idleTimeout;
  /** Calls that may wait for a connection of one pool; more are refused rather than queued. */
  private final int maxWaiters;
  private final Map<Location, DatabasePool> pools = new ConcurrentHashMap<>();
  private final long sweeper;
  /** Pools opened and closed since the gateway started (metrics). */
  private final java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong closed = new java.util.concurrent.atomic.AtomicLong();

  public DatabasePools(Vertx vertx, int maxConnections, Duration idleTimeout, int maxWaiters) {
    this.vertx = vertx;
    this.maxWaiters = maxWaiters;
    this.budget = new ConnectionBudget(maxConnections);
    this.idleTimeout = idleTimeout;
    this.budget.onShortage(this::closeLeastRecentlyUsed);
    long period = Math.max(100, Math.min(idleTimeout.toMillis() / 2, 5_000));
    this.sweeper = vertx.setPeriodic(period, id -> closeIdle());
  }

  /** The pool for this tenant database; tenants on the same database and role share it. */
  DatabasePool poolFor(DatabaseConfig db) {
    Location location = new Location(db.host(), db.port(), db.name(), db.user(), db.password().reveal(), db.tls(),
        db.schema().isPresent());
    DatabasePool pool = pools.computeIfAbsent(location, l -> new DatabasePool(l.toString(), db.poolSize(), maxWaiters, budget,
        size -> build(l, size), DatabasePools::now));
    pool.widen(db.poolSize());
    return pool;
  }

  /** Runs a migration, counting the two connections Flyway opens against the cap. */
  <T> Future<T> withMigrationConnections(java.util.function.Supplier<Future<T>> work) {
    return budget.reserve(MIGRATION_CONNECTIONS)
        .compose(v -> work.get().andThen(done -> budget.release(MIGRATION_CONNECTIONS)));
  }

  /** Connections reserved by open pools: never more than the cap. */
  public int reservedConnections() {
    return budget.reserved();
  }

  public long openPools() {
    return pools.values().stream().filter(DatabasePool::isOpen).count();
  }

  /** The cap on connections all pools together may reserve. */
  public int connectionCap() {
    return budget.capacity();
  }

  /** Pools waiting for connections of the cap to be given back before they can open. */
  public int poolsWaitingForConnections() {
    return budget.waiting();
  }

  /** Pools opened since the gateway started. */
  public long poolsOpened() {
    return opened.get();
  }

  /** Pools closed (idle, or to make room under the cap) since the gateway started. */
  public long poolsClosed() {
    return closed.get();
  }

  /** Calls holding a connection of an open pool right now (each pool counts at most its size). */
  public int callsUsingConnections() {
    return pools.values().stream().mapToInt(DatabasePool::callsUsing).sum();
  }

  /** Calls waiting for a connection of their pool right now (those beyond its size). */
  public int callsWaitingForConnections() {
    return pools.values().stream().mapToInt(DatabasePool::callsWaiting).sum();
  }

  /** The open pools, each with its calls in flight and how long it has been unused. */
  public List<String> describeOpen() {
    return pools.values().stream().filter(DatabasePool::isOpen).map(DatabasePool::toString).toList();
  }

  private Pool build(Location location, int size) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(location.host())
        .setPort(location.port())
        .setDatabase(location.database())
        .setUser(location.user())
        .setPassword(location.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(location.schemaPerTenant()
            ? STATEMENTS_PER_SHARED_CONNECTION : STATEMENTS_PER_CONNECTION)
        .addProperty("application_name", DatabaseConfig.APPLICATION_NAME);
    applyTls(connect, location.tls());
    if (location.schemaPerTenant()) {
      // Every statement names its schema; one that does not finds no tenant table (fails closed).
      connect.addProperty("search_path", "pg_catalog");
    }
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setName("db-" + location.database())
        .setIdleTimeout((int) idleTimeout.toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    opened.incrementAndGet();
    log.info("database pool {} opened with up to {} connections ({} of {} reserved)", location, size,
        budget.reserved(), budget.capacity());
    NetClientOptions network = new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    return PgBuilder.pool().with(options).with(network).connectingTo(connect).using(vertx).build();
  }

  /**
   * {@code sslmode} as in the tenant file: require encrypts without checking the certificate (as
   * libpq does); verify-full trusts only its CA file and checks the host name.
   */
  static void applyTls(PgConnectOptions connect, DatabaseTls tls) {
    connect.setSslMode(switch (tls.mode()) {
      case DISABLE -> SslMode.DISABLE;
      case REQUIRE -> SslMode.REQUIRE;
      case VERIFY_FULL -> SslMode.VERIFY_FULL;
    });
    if (tls.mode() == DatabaseTls.Mode.REQUIRE) {
      // As libpq's sslmode=require: encrypted, the certificate not checked (verify-full checks it).
      connect.setSslOptions(new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm(""));
    }
    tls.rootCert().ifPresent(file -> connect.setSslOptions(new ClientSSLOptions()
        .setTrustOptions(new PemTrustOptions().addCertPath(file.toString()))
        .setHostnameVerificationAlgorithm("HTTPS")));
  }

  private void closeIdle() {
    long unusedSince = now() - idleTimeout.toNanos();
    pools.values().forEach(pool -> counted(pool.closeIfIdle(unusedSince)).ifPresent(closing ->
        closing.onSuccess(v -> log.info("database pool {} closed after {} ms idle", pool.name(), idleTimeout.toMillis()))));
  }

  /** A reservation is waiting: close the open pool that nobody is using and was used longest ago. */
  private void closeLeastRecentlyUsed() {
    pools.values().stream()
        .filter(DatabasePool::isOpen)
        .sorted(Comparator.comparingLong(DatabasePool::lastUsed))
        .map(pool -> counted(pool.closeIfIdle(Long.MAX_VALUE)))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** A pool's closing, counted once it has closed. */
  private Optional<Future<Void>> counted(Optional<Future<Void>> closing) {
    return closing.map(future -> future.andThen(done -> {
      if (done.succeeded()) {
        closed.incrementAndGet();
      }
    }));
  }

  private static long now() {
    return System.nanoTime();
  }

  /** Closes every open pool. */
  public Future<Void> close() {
    vertx.cancelTimer(sweeper);
    return Future.all(pools.values().stream().map(pool -> counted(pool.closeIfIdle(Long.MAX_VALUE))).flatMap(Optional::stream)
        .toList()).mapEmpty();
  }
}
