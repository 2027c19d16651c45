package dev.mailgate.server;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.WorkerExecutorInternal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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

  private final Vertx vertx;
  private final String name;
  private final WorkerExecutor workers;
  private final int capacity;
  private final AtomicInteger admitted = new AtomicInteger();

  public BlockingPool(Vertx vertx, String name, int threads, int queue) {
    this.vertx = vertx;
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

  /**
   * Runs every one of {@code works} on the pool at once and completes, on the calling context, when
   * the last one ends, with each one's outcome in order (succeeded or failed futures): one hop back
   * for the lot instead of one each, for the reads one request fans out to (a search page's messages).
   * Refused at once, as a whole, if the queue cannot take them all.
   */
  public <T> Future<List<Future<T>>> runEach(List<Callable<T>> works) {
    int count = works.size();
    if (count == 0) {
      return Future.succeededFuture(List.of());
    }
    if (admitted.addAndGet(count) > capacity) {
      admitted.addAndGet(-count);
      return Future.failedFuture(overloaded(name));
    }
    Context caller = vertx.getOrCreateContext();
    Promise<List<Future<T>>> all = Promise.promise();
    @SuppressWarnings("unchecked")
    Future<T>[] outcomes = new Future[count];
    AtomicInteger left = new AtomicInteger(count);
    Executor executor = ((WorkerExecutorInternal) workers).pool().executor();
    for (int i = 0; i < count; i++) {
      int index = i;
      Runnable task = () -> {
        try {
          outcomes[index] = Future.succeededFuture(works.get(index).call());
        } catch (Throwable failure) {
          outcomes[index] = Future.failedFuture(failure);
        } finally {
          admitted.decrementAndGet();
        }
        if (left.decrementAndGet() == 0) {
          caller.runOnContext(v -> all.complete(Arrays.asList(outcomes)));
        }
      };
      try {
        executor.execute(task);
      } catch (RejectedExecutionException closed) {
        outcomes[index] = Future.failedFuture(overloaded(name));
        admitted.decrementAndGet();
        if (left.decrementAndGet() == 0) {
          caller.runOnContext(v -> all.complete(Arrays.asList(outcomes)));
        }
      }
    }
    return all.future();
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
