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
  static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

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

  /**
   * The cold pass: exactly {@code calls} calls, at most {@code concurrency} at a time, every one
   * recorded (no warm-up), latency from its actual start. With a target that spreads its calls
   * round-robin over {@code calls} tenants this is one first call per tenant. Blocks until every
   * call has answered (each has its own deadline) or {@code maxWait} has passed; unanswered calls
   * then count as INCOMPLETE. The result's mode is {@code cold}.
   */
  public LoadResult coldPass(LoadTarget target, int calls, int concurrency, java.time.Duration maxWait)
      throws InterruptedException {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("LoadEngine.coldPass blocks: call it off the event loops");
    }
    Context context = vertx.getOrCreateContext();
    Recorder recorder = new Recorder(Long.MIN_VALUE, Long.MAX_VALUE);
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch answered = new CountDownLatch(calls);
    long begin = System.nanoTime();
    context.runOnContext(v -> {
      for (int i = 0; i < Math.min(concurrency, calls); i++) {
        nextCold(context, target, calls, started, recorder, answered);
      }
    });
    answered.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    double seconds = Math.max(1e-9, (System.nanoTime() - begin) / 1e9);
    // Calls not even started by now would still start later: stop them, and count them as issued.
    int notStarted = calls - started.getAndSet(calls);
    for (int i = 0; i < notStarted; i++) {
      recorder.issued(begin);
    }
    return recorder.result(target.name(), "cold", 0, concurrency, 0, seconds);
  }

  private static void nextCold(Context context, LoadTarget target, int calls,
      java.util.concurrent.atomic.AtomicInteger started, Recorder recorder, CountDownLatch answered) {
    if (started.getAndUpdate(n -> n >= calls ? n : n + 1) >= calls) {
      return;
    }
    long begin = System.nanoTime();
    recorder.issued(begin);
    issue(target).onComplete(ar -> {
      recorder.completed(begin, System.nanoTime(), ar.result());
      answered.countDown();
      context.runOnContext(v -> nextCold(context, target, calls, started, recorder, answered));
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
