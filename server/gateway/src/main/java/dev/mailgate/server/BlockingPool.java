package dev.mailgate.server;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named worker pool for a blocking provider client (Gmail, Jakarta Mail) with a bounded queue:
 * at most {@code threads} calls run and {@code queue} more wait; a call beyond that is refused at
 * once with UNAVAILABLE / GATEWAY_OVERLOADED and a RetryInfo instead of queueing without end.
 * A call keeps its place in the count until its thread really ends, even if its caller stopped
 * waiting (see {@code OutboundTimeouts.bound}).
 */
public final class BlockingPool {

  /** How long a caller refused for a full queue is told to wait. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final String name;
  private final WorkerExecutor workers;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();

  public BlockingPool(Vertx vertx, String name, int threads, int queue) {
    this.name = name;
    this.workers = vertx.createSharedWorkerExecutor(name, threads);
    this.capacity = threads + queue;
  }

  /** Runs {@code work} on the pool, or refuses it at once if the pool's queue is full. */
  public <T> Future<T> run(Callable<T> work) {
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      return Future.failedFuture(overloaded(name));
    }
    return workers.<T>executeBlocking(work, false).andThen(done -> admitted.decrementAndGet());
  }

  /** Calls running or waiting right now. */
  public int admitted() {
    return admitted.get();
  }

  public Future<Void> close() {
    return workers.close();
  }

  /** The refusal of a call that found the queue of {@code what} full. */
  public static GatewayException overloaded(String what) {
    return GatewayException.retryable(Reason.GATEWAY_OVERLOADED,
        "the gateway is overloaded (" + what + " is full); retry later", RETRY_AFTER, null);
  }
}
