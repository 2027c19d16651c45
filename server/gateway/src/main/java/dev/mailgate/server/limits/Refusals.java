package dev.mailgate.server.limits;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import java.time.Duration;

/** The answers a limit gives: RATE_LIMITED with the time after which a retry can pass. */
final class Refusals {

  /** How long a caller refused by the in-flight cap is told to wait: slots free as calls end. */
  static final Duration BUSY_RETRY = Duration.ofMillis(100);

  private Refusals() {}

  /** Over a token bucket; {@code waitNanos} until its next token (never less than 1 ms). */
  static GatewayException rateLimited(String whose, long waitNanos) {
    Duration delay = Duration.ofMillis(Math.max(1, (waitNanos + 999_999) / 1_000_000));
    return GatewayException.retryable(Reason.RATE_LIMITED,
        "rate limit of this " + whose + " exceeded; retry in " + delay.toMillis() + " ms", delay, null);
  }

  /** Over the tenant's cap on calls in flight on this node. */
  static GatewayException busy(int maxInFlight) {
    return GatewayException.retryable(Reason.RATE_LIMITED,
        "too many calls of this tenant in flight (at most " + maxInFlight + ")", BUSY_RETRY, null);
  }
}
