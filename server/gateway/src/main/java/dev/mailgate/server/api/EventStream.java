package dev.mailgate.server.api;

import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.events.EventPage;
import dev.mailgate.server.events.LogPosition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;

/**
 * One WatchMailbox or WatchTenant stream. It reads the log in pages of {@link EventApi#STREAM_PAGE}
 * events and writes them one at a time, each only once the previous write's future completed, so
 * a slow client makes the stream wait instead of the gateway buffer (see {@link ResponseStream}).
 * Caught up, it waits for a wake-up of the tenant's log or the catch-up interval, whichever comes
 * first, and sends a HEARTBEAT with its cursor when it has been silent for the heartbeat interval.
 * It ends with OK after the policy's maximum age, with UNAVAILABLE / GATEWAY_DRAINING when the
 * gateway stops (the client reconnects, to another node, with its cursor), and stops when the
 * client goes away.
 */
final class EventStream {

  private final EventApi api;
  private final EventApi.Scope scope;
  private final ResponseStream<MailboxEvent> out;
  private final long endNanos;
  private final Promise<Void> done = Promise.promise();
  private volatile long lastWriteNanos = System.nanoTime();

  EventStream(EventApi api, EventApi.Scope scope, ResponseStream<MailboxEvent> out) {
    this.api = api;
    this.scope = scope;
    this.out = out;
    this.endNanos = System.nanoTime() + api.policy().maxAge().toNanos();
  }

  /** Streams from {@code after}; the future completes when the stream should end OK. */
  Future<Void> run(LogPosition after) {
    next(after);
    return done.future();
  }

  private void next(LogPosition after) {
    if (out.closed().isComplete() || System.nanoTime() - endNanos >= 0) {
      done.tryComplete();
      return;
    }
    if (api.draining()) {
      done.tryFail(GatewayException.retryable(Reason.GATEWAY_DRAINING,
          "this gateway node is stopping; open the stream again with the cursor of the last event received",
          Duration.ZERO, null));
      return;
    }
    api.read(scope, after, EventApi.STREAM_PAGE)
        .compose(page -> api.protos(scope, after, page).compose(events -> write(events, 0)).map(page))
        .onComplete(ar -> {
          if (ar.failed()) {
            if (out.closed().isComplete()) {
              done.tryComplete(); // the client went away during a write
            } else {
              done.tryFail(ar.cause());
            }
            return;
          }
          EventPage page = ar.result();
          if (page.expired() || !page.events().isEmpty()) {
            next(page.next());
          } else {
            caughtUp(page.next());
          }
        });
  }

  /** Nothing more to read: a heartbeat if it is due, then wait for a wake-up or the catch-up interval. */
  private void caughtUp(LogPosition at) {
    long now = System.nanoTime();
    long heartbeat = api.policy().heartbeat().toNanos();
    Future<Void> beat = now - lastWriteNanos >= heartbeat
        ? scope.cursors().sealer().compose(seal -> write(List.of(EventProtos.heartbeat(seal.apply(at))), 0))
        : Future.succeededFuture();
    beat.onComplete(ar -> {
      if (ar.failed()) {
        done.tryComplete(); // a heartbeat fails only when the client went away
        return;
      }
      long untilHeartbeat = heartbeat - (System.nanoTime() - lastWriteNanos);
      long untilEnd = endNanos - System.nanoTime();
      long wait = Math.max(1, Math.min(api.policy().catchUp().toNanos(), Math.min(untilHeartbeat, untilEnd)));
      api.wakeups().next(scope.tenant().id(), Duration.ofNanos(wait)).onComplete(woken -> next(at));
    });
  }

  /** Writes events from {@code index} on, each after the previous write's future completed. */
  private Future<Void> write(List<MailboxEvent> events, int index) {
    if (index == events.size()) {
      return Future.succeededFuture();
    }
    return out.write(events.get(index)).compose(written -> {
      lastWriteNanos = System.nanoTime();
      return write(events, index + 1);
    });
  }
}
