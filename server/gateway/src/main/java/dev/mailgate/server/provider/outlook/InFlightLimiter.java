package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.BlockingPool;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * At most {@code limit} requests in flight per mailbox (Microsoft Graph allows 4 concurrent
 * requests per mailbox); up to {@code maxWaiting} others wait their turn, in order, without
 * blocking a thread, and any more are refused at once with GATEWAY_OVERLOADED. A mailbox's lane
 * is dropped once nothing runs in it, so the map holds only mailboxes with requests in flight.
 */
final class InFlightLimiter {

  private final int limit;
  private final int maxWaiting;
  private final Map<String, Lane> lanes = new HashMap<>();

  private static final class Lane {
    int running;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  InFlightLimiter(int limit, int maxWaiting) {
    this.limit = limit;
    this.maxWaiting = maxWaiting;
  }

  <T> Future<T> run(String mailbox, Supplier<Future<T>> request) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> request.get().onComplete(done -> {
      release(mailbox);
      result.handle(done);
    });
    boolean now;
    synchronized (lanes) {
      Lane lane = lanes.computeIfAbsent(mailbox, key -> new Lane());
      now = lane.running < limit;
      if (now) {
        lane.running++;
      } else if (lane.waiting.size() < maxWaiting) {
        lane.waiting.add(start);
      } else {
        return Future.failedFuture(BlockingPool.overloaded("this mailbox's queue of Microsoft Graph requests"));
      }
    }
    if (now) {
      start.run();
    }
    return result.future();
  }

  private void release(String mailbox) {
    Runnable next;
    synchronized (lanes) {
      Lane lane = lanes.get(mailbox);
      next = lane.waiting.poll();
      if (next == null) {
        lane.running--;
        if (lane.running == 0) {
          lanes.remove(mailbox);
        }
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
