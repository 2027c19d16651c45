package dev.mailgate.server.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process wake-ups of a tenant's log readers: a producer calls {@link #appended} after its
 * transaction committed, and readers waiting in {@link #next} read again at once. A wake-up is a
 * hint only (another gateway's appends do not fire it): a wait also ends after a short catch-up
 * interval, so a missed wake-up only delays.
 */
public final class EventWakeups {

  private final Vertx vertx;
  private final Map<String, Set<Promise<Void>>> waiting = new ConcurrentHashMap<>();

  public EventWakeups(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes at the tenant's next {@link #appended}, or after {@code atMost}, whichever comes first. */
  public Future<Void> next(String tenantId, Duration atMost) {
    Promise<Void> promise = Promise.promise();
    Set<Promise<Void>> waiters = waiting.computeIfAbsent(tenantId, id -> ConcurrentHashMap.newKeySet());
    waiters.add(promise);
    long timer = vertx.setTimer(Math.max(1, atMost.toMillis()), fired -> promise.tryComplete());
    return promise.future().onComplete(done -> {
      vertx.cancelTimer(timer);
      waiters.remove(promise);
    });
  }

  /** Events of the tenant committed: wakes every reader waiting for them. */
  public void appended(String tenantId) {
    Set<Promise<Void>> waiters = waiting.get(tenantId);
    if (waiters != null) {
      waiters.forEach(Promise::tryComplete);
    }
  }
}
