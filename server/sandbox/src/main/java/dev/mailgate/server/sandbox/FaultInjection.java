package dev.mailgate.server.sandbox;

import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The failures and latency a test asks of a sandbox: the next calls, whatever their mailbox, fail
 * as queued ({@link #failNext}), and every call waits the configured latency first, on a timer so
 * that the event loop is never blocked. Each sandbox's gate turns a {@link Fault} into its
 * provider's error.
 */
public final class FaultInjection {

  /**
   * A failure to answer with.
   *
   * @param status the HTTP status
   * @param code the provider's error code or reason (e.g. {@code rateLimitExceeded}, {@code TooManyRequests})
   * @param retryAfter the {@code Retry-After} to send, or null for none
   */
  public record Fault(int status, String code, Duration retryAfter) {}

  private record Queued(AtomicInteger skip, AtomicInteger remaining, Fault fault) {}

  private final AtomicReference<Queued> queued = new AtomicReference<>();
  private volatile Duration latency = Duration.ZERO;

  /** Makes the next {@code count} calls fail with {@code fault}; replaces failures still queued. */
  public void failNext(int count, Fault fault) {
    failAfter(0, count, fault);
  }

  /** Lets the next {@code skip} calls through, then makes {@code count} fail with {@code fault}; replaces failures still queued. */
  public void failAfter(int skip, int count, Fault fault) {
    queued.set(new Queued(new AtomicInteger(skip), new AtomicInteger(count), fault));
  }

  /** The failure the current call gets, if one is still queued (it is counted off). */
  public Optional<Fault> next() {
    Queued current = queued.get();
    if (current == null || current.skip().getAndUpdate(n -> Math.max(0, n - 1)) > 0
        || current.remaining().getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
      return Optional.empty();
    }
    return Optional.of(current.fault());
  }

  /** Delays every call by {@code latency}; zero (or null, or negative) turns it off. */
  public void latency(Duration latency) {
    this.latency = latency == null || latency.isNegative() ? Duration.ZERO : latency;
  }

  /** Runs {@code admit} once the latency has passed (at once when there is none). */
  public void afterLatency(RoutingContext ctx, Runnable admit) {
    long delay = latency.toMillis();
    if (delay > 0) {
      ctx.vertx().setTimer(delay, timer -> admit.run());
    } else {
      admit.run();
    }
  }
}
