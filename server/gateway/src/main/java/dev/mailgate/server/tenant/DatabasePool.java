package dev.mailgate.server.tenant;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One PostgreSQL pool for one database and role, shared by every tenant that lives there (one
 * tenant with a database of its own, or many tenants with a schema each). It opens on first use
 * after reserving its size from the gateway's {@link ConnectionBudget}, counts the calls using it,
 * and closes, giving the reservation back, when it has been idle long enough or when another pool
 * needs the connections.
 */
final class DatabasePool {

  private final String name;
  private final ConnectionBudget budget;
  private final Function<Integer, Pool> builder;
  private final Supplier<Long> clock;
  private int size;
  /** Calls that may wait for one of the pool's connections; more are refused (GATEWAY_OVERLOADED). */
  private final int maxWaiters;
  private Future<Pool> pool;
  private int reserved;
  private int inFlight;
  private long lastUsed;

  DatabasePool(String name, int size, int maxWaiters, ConnectionBudget budget, Function<Integer, Pool> builder,
      Supplier<Long> clock) {
    this.name = name;
    this.maxWaiters = maxWaiters;
    this.size = Math.min(size, budget.capacity());
    this.budget = budget;
    this.builder = builder;
    this.clock = clock;
    this.lastUsed = clock.get();
  }

  String name() {
    return name;
  }

  /** A tenant that wants more connections than the pool has so far; effective until it next opens. */
  synchronized void widen(int wanted) {
    size = Math.max(size, Math.min(wanted, budget.capacity()));
  }

  /**
   * Runs {@code work} on the pool, opening it first if it is closed; the pool stays open
   * meanwhile. If the pool's wait queue is full the call is refused with GATEWAY_OVERLOADED.
   */
  <T> Future<T> use(Function<Pool, Future<T>> work) {
    Future<Pool> acquired = acquire();
    if (acquired == null) {
      return Future.failedFuture(GatewayException.retryable(Reason.GATEWAY_OVERLOADED,
          "the gateway is overloaded (too many calls wait for a database connection); retry later",
          Duration.ofSeconds(1), null));
    }
    return acquired.compose(work).andThen(done -> release());
  }

  /** The pool for one more call, or null if its connections are all busy and {@code maxWaiters} calls wait already. */
  private Future<Pool> acquire() {
    Promise<Pool> opening;
    int connections;
    synchronized (this) {
      if (inFlight >= size + maxWaiters) {
        return null;
      }
      inFlight++;
      lastUsed = clock.get();
      if (pool != null) {
        return pool;
      }
      opening = Promise.promise();
      pool = opening.future();
      connections = size;
      reserved = connections;
    }
    // Outside the lock: a reservation that waits may close other pools, which take their own locks.
    budget.reserve(connections).map(v -> builder.apply(connections)).onComplete(opening);
    return opening.future();
  }

  private void release() {
    boolean idle;
    synchronized (this) {
      inFlight--;
      lastUsed = clock.get();
      idle = inFlight == 0;
    }
    if (idle) {
      budget.poolIdle();
    }
  }

  /** Calls holding one of the open pool's connections (at most its size). */
  synchronized int callsUsing() {
    return pool == null ? 0 : Math.min(inFlight, reserved);
  }

  /** Calls waiting for one of the pool's connections (or for the pool to open). */
  synchronized int callsWaiting() {
    return pool == null ? 0 : Math.max(0, inFlight - reserved);
  }

  synchronized boolean isOpen() {
    return pool != null;
  }

  /** What an operator (or a failing test) needs to see of an open pool: its calls and how long it has been unused. */
  @Override
  public synchronized String toString() {
    return name + (pool == null ? " closed" : " open, " + inFlight + " calls using it, unused for "
        + (clock.get() - lastUsed) / 1_000_000 + " ms");
  }

  /** When the pool was last used, for choosing which idle pool to close first. */
  synchronized long lastUsed() {
    return lastUsed;
  }

  /**
   * Starts closing the pool if it is open, no call is using it and it has been unused since
   * {@code unusedSince} (clock time); the reservation is given back once it has closed. Empty if
   * the pool stays open.
   */
  Optional<Future<Void>> closeIfIdle(long unusedSince) {
    Future<Pool> closing;
    int connections;
    synchronized (this) {
      if (pool == null || inFlight > 0 || lastUsed > unusedSince) {
        return Optional.empty();
      }
      closing = pool;
      connections = reserved;
      pool = null;
    }
    return Optional.of(closing.compose(Pool::close).transform(closed -> {
      budget.release(connections);
      return Future.<Void>succeededFuture();
    }));
  }
}
