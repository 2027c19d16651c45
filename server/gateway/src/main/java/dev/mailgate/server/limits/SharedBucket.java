package dev.mailgate.server.limits;

import dev.mailgate.tenant.config.RateLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One token bucket shared by every gateway node, spent locally. The bucket itself lives in the
 * tenant's database ({@link BucketLeases}); this node leases tokens from it in batches of
 * {@value #LEASE_MILLIS} ms of the rate and spends them with one atomic decrement per call. The next
 * lease starts in the background when half a batch is left, so calls do not wait on the database
 * while the tenant is within its rate.
 *
 * <p>When the local tokens are gone, a call waits for the lease in flight (asking for enough tokens
 * for every call waiting, up to the burst). A lease that gets fewer tokens than asked means the shared
 * bucket is empty: until enough for the next batch has refilled, calls are refused at once, with
 * that wait as their retry delay, and the database is not asked again.
 *
 * <p>If a lease fails or takes longer than {@value #LEASE_TIMEOUT_MILLIS} ms (the tenant's database
 * is down or saturated; the first lease may take {@value #FIRST_LEASE_TIMEOUT_MILLIS} ms, as it waits
 * for the tenant's migrations like the tenant's first call does), the node falls back to a bucket of its own with the tenant's rate and
 * burst and tries the database again in the background after {@value #DEGRADED_MILLIS} ms: the
 * limiter neither lets a tenant run unlimited nor turns a database outage into RATE_LIMITED
 * answers (the calls meet the outage themselves and say so).
 */
final class SharedBucket {

  static final long LEASE_MILLIS = 50;
  static final long LEASE_TIMEOUT_MILLIS = 2000;
  static final long FIRST_LEASE_TIMEOUT_MILLIS = 60_000;
  static final long DEGRADED_MILLIS = 1000;
  static final int MAX_LEASES_WAITED = 3;

  private static final Logger log = LoggerFactory.getLogger(SharedBucket.class);
  private static final Future<Void> ADMITTED = Future.succeededFuture();

  private final Vertx vertx;
  private final String name;
  private final RateLimits.Rate rate;
  private final IntFunction<Future<BucketLeases.Lease>> leases;
  private final int batch;
  private final TokenBucket fallback;
  private final AtomicLong local = new AtomicLong();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicReference<Future<Void>> pending = new AtomicReference<>();
  /** Before this instant (System.nanoTime) the shared bucket is known to be empty. */
  private volatile long retryAt;
  /** Whether the last lease failed: the fallback bucket decides until one succeeds. */
  private volatile boolean degraded;
  private volatile long nextLeaseAfterFailure;
  private volatile boolean answeredOnce;

  /**
   * @param name   what log lines call this bucket (the tenant id)
   * @param leases takes up to the given number of tokens from the shared bucket
   */
  SharedBucket(Vertx vertx, String name, RateLimits.Rate rate, IntFunction<Future<BucketLeases.Lease>> leases) {
    this.vertx = vertx;
    this.name = name;
    this.rate = rate;
    this.leases = leases;
    this.batch = batchSize(rate);
    long now = System.nanoTime();
    this.fallback = new TokenBucket(rate, now);
    this.retryAt = now;
  }

  /** Tokens one lease asks for when no call waits: {@value #LEASE_MILLIS} ms of the rate, 1 to burst/2. */
  static int batchSize(RateLimits.Rate rate) {
    long share = rate.requestsPerSecond() * LEASE_MILLIS / 1000;
    return (int) Math.max(1, Math.min(share, rate.burst() / 2));
  }

  /** Completes when the call may go on; fails with RATE_LIMITED (and a retry delay) when it may not. */
  Future<Void> admit() {
    if (takeLocal()) {
      return ADMITTED;
    }
    waiting.incrementAndGet();
    return admitWaiting(Vertx.currentContext(), 1);
  }

  private boolean takeLocal() {
    for (;;) {
      long left = local.get();
      if (left <= 0) {
        return false;
      }
      if (local.compareAndSet(left, left - 1)) {
        if (left - 1 <= batch / 2) {
          prefetch();
        }
        return true;
      }
    }
  }

  private void prefetch() {
    long now = System.nanoTime();
    if (pending.get() == null && now - retryAt >= 0 && (!degraded || now - nextLeaseAfterFailure >= 0)) {
      lease();
    }
  }

  /**
   * For a call counted in {@link #waiting}: admits or refuses it, leasing first if that can help. A
   * call waits for at most {@value #MAX_LEASES_WAITED} leases (others may take what each brings).
   */
  private Future<Void> admitWaiting(Context context, int lease) {
    long now = System.nanoTime();
    if (degraded) {
      prefetch();
      waiting.decrementAndGet();
      long wait = fallback.tryTake(now);
      return wait == 0 ? ADMITTED : Future.failedFuture(Refusals.rateLimited("tenant", wait));
    }
    if (now - retryAt < 0 || lease > MAX_LEASES_WAITED) {
      waiting.decrementAndGet();
      long oneToken = (long) Math.ceil(1e9 / rate.requestsPerSecond());
      return Future.failedFuture(Refusals.rateLimited("tenant", Math.max(retryAt - now, oneToken)));
    }
    Promise<Void> result = Promise.promise();
    lease().onComplete(done -> onContext(context, () -> {
      if (takeLocal()) {
        waiting.decrementAndGet();
        result.complete();
      } else {
        admitWaiting(context, lease + 1).onComplete(result);
      }
    }));
    return result.future();
  }

  private static void onContext(Context context, Runnable work) {
    if (context == null || context == Vertx.currentContext()) {
      work.run();
    } else {
      context.runOnContext(v -> work.run());
    }
  }

  /** The lease in flight, or a new one; it always succeeds (a failure degrades this bucket). */
  private Future<Void> lease() {
    for (;;) {
      Future<Void> current = pending.get();
      if (current != null) {
        return current;
      }
      Promise<Void> mine = Promise.promise();
      if (pending.compareAndSet(null, mine.future())) {
        int want = (int) Math.min(rate.burst(), batch + (long) waiting.get());
        Promise<BucketLeases.Lease> answer = Promise.promise();
        long timeout = answeredOnce ? LEASE_TIMEOUT_MILLIS : FIRST_LEASE_TIMEOUT_MILLIS;
        long timer = vertx.setTimer(timeout, t -> answer.tryFail(
            new java.util.concurrent.TimeoutException("no lease within " + timeout + " ms")));
        try {
          leases.apply(want).onComplete(lease -> {
            if (!answer.tryComplete(lease)) {
              local.addAndGet(lease.granted()); // came after the timeout: the tokens are this node's all the same
            }
          }, answer::tryFail);
        } catch (RuntimeException e) {
          answer.tryFail(e);
        }
        answer.future().onComplete(done -> {
          vertx.cancelTimer(timer);
          answeredOnce = true;
          long now = System.nanoTime();
          if (done.succeeded()) {
            record(done.result(), want, now);
          } else {
            degrade(done.cause(), now);
          }
          pending.set(null);
          mine.complete();
        });
        return mine.future();
      }
    }
  }

  private void record(BucketLeases.Lease lease, int want, long now) {
    local.addAndGet(lease.granted());
    if (lease.granted() < want) {
      double missing = Math.max(1, batch - lease.tokensLeft());
      retryAt = now + (long) Math.ceil(missing * 1e9 / rate.requestsPerSecond());
    }
    if (degraded) {
      degraded = false;
      log.info("tenant={} rate limit bucket reachable again: limiting across nodes", name);
    }
  }

  private void degrade(Throwable cause, long now) {
    nextLeaseAfterFailure = now + DEGRADED_MILLIS * 1_000_000;
    if (!degraded) {
      degraded = true;
      log.warn("tenant={} rate limit bucket unreachable ({}): limiting on this node alone, retrying every {} ms",
          name, cause.toString(), DEGRADED_MILLIS);
    }
  }
}
