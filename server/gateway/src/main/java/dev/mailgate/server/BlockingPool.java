package dev.mailgate.server;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.Handler;
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
import java.util.function.Function;

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
    Promise<List<Future<T>>> all = Promise.promise();
    dispatch(vertx.getOrCreateContext(), works, false, all::complete, all::fail);
    return all.future();
  }

  /** A first step's result, and what each of the steps it asked for gave, in order. */
  public record Fanout<A, T>(A first, List<T> each) {}

  /**
   * Runs {@code first} on the pool, then every one of the works {@code then} makes of its result as
   * {@link #runEach} runs them, dispatched from the same worker thread: the caller's context sees
   * one completion for both steps instead of a hop back in between (a search: the listing, then
   * its messages). Fails with {@code first}'s failure, or with the refusal of a full queue.
   */
  public <A, T> Future<Fanout<A, Future<T>>> runThenEach(Callable<A> first, Function<A, List<Callable<T>>> then) {
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      return Future.failedFuture(overloaded(name));
    }
    Context caller = vertx.getOrCreateContext();
    Promise<Fanout<A, Future<T>>> done = Promise.promise();
    Runnable task = () -> {
      A result;
      List<Callable<T>> works;
      try {
        result = first.call();
        works = then.apply(result);
      } catch (Throwable failure) {
        caller.runOnContext(v -> done.fail(failure));
        return;
      } finally {
        admitted.decrementAndGet();
      }
      dispatch(caller, works, true, outcomes -> done.complete(new Fanout<>(result, outcomes)), done::fail);
    };
    try {
      executor().execute(task);
    } catch (RejectedExecutionException closed) {
      admitted.decrementAndGet();
      return Future.failedFuture(overloaded(name));
    }
    return done.future();
  }

  /**
   * Starts every one of {@code works} on the pool and hands their outcomes, in order, to
   * {@code completed} on {@code caller} once the last one ends; {@code refused} gets the refusal if
   * the queue cannot take them all. Callable from any thread; a worker of this pool ({@code onWorker})
   * runs the last one itself rather than hand it over and go idle.
   */
  private <T> void dispatch(Context caller, List<Callable<T>> works, boolean onWorker, Handler<List<Future<T>>> completed,
      Handler<Throwable> refused) {
    int count = works.size();
    if (count == 0) {
      on(caller, () -> completed.handle(List.of()));
      return;
    }
    if (admitted.addAndGet(count) > capacity) {
      admitted.addAndGet(-count);
      on(caller, () -> refused.handle(overloaded(name)));
      return;
    }
    @SuppressWarnings("unchecked")
    Future<T>[] outcomes = new Future[count];
    AtomicInteger left = new AtomicInteger(count);
    Executor executor = executor();
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
          caller.runOnContext(v -> completed.handle(Arrays.asList(outcomes)));
        }
      };
      if (onWorker && index == count - 1) {
        task.run();
        continue;
      }
      try {
        executor.execute(task);
      } catch (RejectedExecutionException closed) {
        outcomes[index] = Future.failedFuture(overloaded(name));
        admitted.decrementAndGet();
        if (left.decrementAndGet() == 0) {
          caller.runOnContext(v -> completed.handle(Arrays.asList(outcomes)));
        }
      }
    }
  }

  /** Runs {@code action} on {@code context}: at once if this thread already runs it, else as a task on it. */
  private static void on(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private Executor executor() {
    return ((WorkerExecutorInternal) workers).pool().executor();
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
