package dev.mailgate.server.tenant;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Tells failures of a tenant's database as a service (it refuses or drops connections, is
 * starting, shutting down, read-only after a failover, or the pool timed out waiting for a
 * connection) from failures of a statement, and turns the former into
 * {@code TENANT_DATABASE_UNAVAILABLE}, which clients may retry. The classification reads the
 * SQLSTATE of PostgreSQL's answer (from the Vert.x client or, for Flyway, from JDBC).
 */
public final class DatabaseUnavailable {

  /** How long clients are asked to wait before retrying. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /**
   * SQLSTATEs of a database that cannot serve right now: too many connections, not accepting
   * connections (ALLOW_CONNECTIONS false), administrator/crash shutdown, cannot connect now
   * (starting up), no such database, authentication failed, read-only transaction (a standby
   * after failover). Class 08 (connection exceptions) is matched as a whole.
   */
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of("53300", "55000", "57P01", "57P02", "57P03", "3D000", "28P01", "28000", "25006");

  /** The message of the Vert.x pool when no connection came within its connection timeout. */
  private static final String POOL_TIMEOUT = "Timeout";

  private DatabaseUnavailable() {
  }

  /** The failure as clients should see it: unchanged unless the database itself is unavailable. */
  public static <T> Future<T> recover(Throwable failure) {
    return Future.failedFuture(describe(failure)
        .<Throwable>map(what -> GatewayException.retryable(Reason.TENANT_DATABASE_UNAVAILABLE,
            "the tenant's database is unavailable", RETRY_AFTER, failure))
        .orElse(failure));
  }

  /**
   * A short, credential-free description ({@code SQLSTATE 55000: ...}, {@code cannot connect},
   * {@code pool timeout}) if {@code failure} (or a cause) of work on a tenant's database says the
   * database is unavailable. Socket failures count: on this path they can only be the database's.
   */
  public static Optional<String> describe(Throwable failure) {
    return find(failure, true);
  }

  /**
   * Like {@link #describe} for a failure from anywhere: only what a database client alone raises
   * (an SQLSTATE of the list, a closed database connection) counts.
   */
  public static Optional<String> describeDatabaseClientFailure(Throwable failure) {
    return find(failure, false);
  }

  private static Optional<String> find(Throwable failure, boolean onDatabasePath) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      Optional<String> found = describeOne(cause, onDatabasePath);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> describeOne(Throwable cause, boolean onDatabasePath) {
    if (cause instanceof PgException pg && unavailableState(pg.getSqlState())) {
      return Optional.of("SQLSTATE " + pg.getSqlState() + ": " + pg.getErrorMessage());
    }
    if (cause instanceof SQLException sql && unavailableState(sql.getSQLState())) {
      return Optional.of("SQLSTATE " + sql.getSQLState() + " (JDBC)");
    }
    if (cause instanceof ClosedConnectionException) {
      return Optional.of("connection closed");
    }
    if (!onDatabasePath) {
      return Optional.empty();
    }
    if (cause instanceof ConnectException) {
      return Optional.of("cannot connect: " + cause.getMessage());
    }
    if (cause instanceof SocketException || cause instanceof SocketTimeoutException) {
      return Optional.of("connection failed: " + cause.getMessage());
    }
    if (cause instanceof UnknownHostException) {
      return Optional.of("unknown host");
    }
    if (cause instanceof VertxException && cause.getMessage() != null && cause.getMessage().startsWith(POOL_TIMEOUT)) {
      return Optional.of("pool timeout waiting for a connection");
    }
    return Optional.empty();
  }

  private static boolean unavailableState(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || UNAVAILABLE_STATES.contains(sqlState));
  }
}
