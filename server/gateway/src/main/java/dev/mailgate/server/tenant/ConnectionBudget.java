package dev.mailgate.server.tenant;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway-wide cap on PostgreSQL connections. A database pool reserves its size here before
 * it opens and gives it back once it has closed, so the open pools together never hold more
 * connections than the cap. A reservation that does not fit waits (first come, first served) and
 * asks, through {@code shortage}, for an idle pool to be closed; callers wait, they never fail.
 */
final class ConnectionBudget {

  private record Waiter(int connections, Promise<Void> promise, Context context) {}

  private final int capacity;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private Runnable shortage = () -> {};
  private int available;

  ConnectionBudget(int capacity) {
    if (capacity < DatabasePools.MIGRATION_CONNECTIONS) {
      throw new IllegalArgumentException("the connection cap must be at least " + DatabasePools.MIGRATION_CONNECTIONS
          + " (a migration needs that many), not " + capacity);
    }
    this.capacity = capacity;
    this.available = capacity;
  }

  /** Called when a reservation has to wait: the chance to close an idle pool. */
  void onShortage(Runnable action) {
    this.shortage = action;
  }

  int capacity() {
    return capacity;
  }

  /** Reservations waiting for connections to be given back. */
  synchronized int waiting() {
    return waiters.size();
  }

  /** Connections reserved by open pools right now. */
  synchronized int reserved() {
    return capacity - available;
  }

  /** Reserves {@code connections} (at most the capacity); completes once they are free. */
  Future<Void> reserve(int connections) {
    if (connections > capacity) {
      throw new IllegalArgumentException(connections + " connections exceed the cap of " + capacity);
    }
    Waiter waiter;
    synchronized (this) {
      if (waiters.isEmpty() && available >= connections) {
        available -= connections;
        return Future.succeededFuture();
      }
      waiter = new Waiter(connections, Promise.promise(), Vertx.currentContext());
      waiters.add(waiter);
    }
    shortage.run();
    return waiter.promise().future();
  }

  /** A pool has just become idle: if reservations are waiting, it may be the one to close. */
  void poolIdle() {
    boolean waiting;
    synchronized (this) {
      waiting = !waiters.isEmpty();
    }
    if (waiting) {
      shortage.run();
    }
  }

  /** Gives back connections of a pool that has closed, and lets waiting reservations in. */
  void release(int connections) {
    List<Waiter> granted = new ArrayList<>();
    boolean stillShort;
    synchronized (this) {
      available = Math.min(capacity, available + connections);
      while (!waiters.isEmpty() && waiters.peek().connections() <= available) {
        Waiter next = waiters.poll();
        available -= next.connections();
        granted.add(next);
      }
      stillShort = !waiters.isEmpty();
    }
    for (Waiter waiter : granted) {
      if (waiter.context() == null) {
        waiter.promise().complete();
      } else {
        waiter.context().runOnContext(v -> waiter.promise().complete());
      }
    }
    if (stillShort) {
      shortage.run();
    }
  }
}
