package dev.mailgate.server.limits;

import dev.mailgate.tenant.config.RateLimits;

/**
 * A token bucket in this process's memory: it starts full ({@code burst} tokens) and gains
 * {@code requestsPerSecond} tokens a second, never more than {@code burst}. Thread-safe.
 */
final class TokenBucket {

  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private long refilledAt;

  TokenBucket(RateLimits.Rate rate, long nowNanos) {
    this.tokensPerNano = rate.requestsPerSecond() / 1e9;
    this.burst = rate.burst();
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /** Takes one token: 0 if it was there, otherwise how many nanoseconds until one is (at least 1). */
  synchronized long tryTake(long nowNanos) {
    long elapsed = nowNanos - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
      refilledAt = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
  }
}
