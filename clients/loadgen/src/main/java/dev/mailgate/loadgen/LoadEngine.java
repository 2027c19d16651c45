package dev.mailgate.loadgen;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a {@link LoadTarget} open- or closed-loop (see {@link LoadSpec}). Calls are issued on one
 * Vert.x event-loop context; {@link #run} blocks the calling thread, which must not be an event
 * loop.
 */
public final class LoadEngine {

  /** Time between {@link #run} and the first call, so the schedule does not start already late. */
  private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Vertx vertx;

  public LoadEngine(Vertx vertx) {
    this.vertx = vertx;
  }

  public LoadResult run(LoadTarget target, LoadSpec spec) throws InterruptedException {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("LoadEngine.run blocks: call it off the event loops");
    }
    Context context = vertx.getOrCreateContext();
    long start = System.nanoTime() + LEAD_NANOS;
    long measureStart = start + spec.warmup().toNanos();
    long end = measureStart + spec.duration().toNanos();
    Recorder recorder = new Recorder(measureStart, end);
    AtomicLong outstanding = new AtomicLong();
    CountDownLatch drained = new CountDownLatch(1);
    Runnable onIdle = () -> {
      if (outstanding.get() == 0 && System.nanoTime() >= end) {
        drained.countDown();
      }
    };
    if (spec.mode() == LoadSpec.Mode.OPEN) {
      openLoop(context, target, spec.rate(), start, end, recorder, outstanding, onIdle);
    } else {
      closedLoop(context, target, spec.concurrency(), start, end, recorder, outstanding, onIdle);
    }
    // Wait for the schedule to end, then for every call still in flight (up to the drain timeout).
    long untilEnd = end - System.nanoTime();
    if (untilEnd > 0) {
      TimeUnit.NANOSECONDS.sleep(untilEnd);
    }
    context.runOnContext(v -> onIdle.run());
    drained.await(spec.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return recorder.result(target.name(), spec);
  }

  /**
   * A pacing thread sleeps until each call's intended start and hands it to the event loop; if it
   * falls behind it sends at once, and the latency still counts from the intended start.
   */
  private static void openLoop(Context context, LoadTarget target, double rate, long start, long end,
      Recorder recorder, AtomicLong outstanding, Runnable onIdle) {
    double interval = 1e9 / rate;
    Thread pacer = new Thread(() -> {
      for (long i = 0; ; i++) {
        long intended = start + (long) (i * interval);
        if (intended >= end) {
          return;
        }
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        outstanding.incrementAndGet();
        recorder.issued(intended);
        context.runOnContext(v -> issue(target).onComplete(ar -> {
          recorder.completed(intended, System.nanoTime(), ar.result());
          outstanding.decrementAndGet();
          onIdle.run();
        }));
      }
    }, "loadgen-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  /** {@code concurrency} callers, each starting its next call when the previous one answered. */
  private static void closedLoop(Context context, LoadTarget target, int concurrency, long start, long end,
      Recorder recorder, AtomicLong outstanding, Runnable onIdle) {
    long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(start - System.nanoTime()));
    context.runOnContext(v -> context.owner().setTimer(delayMillis, id -> {
      for (int i = 0; i < concurrency; i++) {
        next(context, target, end, recorder, outstanding, onIdle);
      }
    }));
  }

  private static void next(Context context, LoadTarget target, long end, Recorder recorder, AtomicLong outstanding,
      Runnable onIdle) {
    long begin = System.nanoTime();
    if (begin >= end) {
      onIdle.run();
      return;
    }
    outstanding.incrementAndGet();
    recorder.issued(begin);
    issue(target).onComplete(ar -> {
      recorder.completed(begin, System.nanoTime(), ar.result());
      outstanding.decrementAndGet();
      // Through the context, so a call that completes synchronously cannot grow the stack.
      context.runOnContext(v -> next(context, target, end, recorder, outstanding, onIdle));
    });
  }

  /** The target's call, with anything it throws or fails with counted as a client-side error. */
  private static Future<String> issue(LoadTarget target) {
    try {
      return target.call().otherwise(failure -> "CLIENT_ERROR");
    } catch (RuntimeException thrown) {
      return Future.succeededFuture("CLIENT_ERROR");
    }
  }
}
