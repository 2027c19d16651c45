package dev.mailgate.server.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Wake-ups of a tenant's log readers: a producer calls {@link #appended} after its transaction
 * committed, and readers waiting in {@link #next} read again at once; with other gateway nodes the
 * wake-up is also relayed to them ({@link #relayTo}), and theirs arrive as {@link #appendedElsewhere}.
 * A wake-up is a hint only: a wait also ends after a short catch-up interval, so a lost wake-up
 * only delays.
 */
public final class EventWakeups {

  private final Vertx vertx;
  private final Map<String, Set<Promise<Void>>> waiting = new ConcurrentHashMap<>();
  private volatile Consumer<String> relay = tenantId -> {};

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

  /** Events of the tenant committed: wakes every reader waiting for them, here and on the other nodes. */
  public void appended(String tenantId) {
    appendedElsewhere(tenantId);
    relay.accept(tenantId);
  }

  /** Wakes every reader of every tenant (the gateway is stopping). */
  public void wakeAll() {
    waiting.values().forEach(waiters -> waiters.forEach(Promise::tryComplete));
  }

  /** Also tells the other gateway nodes of every {@link #appended}. */
  public void relayTo(Consumer<String> other) {
    relay = other;
  }

  /** Events of the tenant committed on another node: wakes the readers waiting here. */
  public void appendedElsewhere(String tenantId) {
    Set<Promise<Void>> waiters = waiting.get(tenantId);
    if (waiters != null) {
      waiters.forEach(Promise::tryComplete);
    }
  }
}
