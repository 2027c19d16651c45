package dev.mailgate.tenant.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the gateway enforces for one tenant that has a {@code rate_limits} section. A tenant without
 * one is not limited at all.
 *
 * @param tenant      the tenant's token bucket, shared by all of its calls on every gateway node
 * @param perUser     a token bucket per {@code user_id} of the request, if set
 * @param maxInFlight the most calls of this tenant a gateway node runs at once, if set (a bulkhead)
 */
public record RateLimits(Rate tenant, Optional<Rate> perUser, OptionalInt maxInFlight) {

  /** Sustained rate used when a {@code rate_limits} section does not set one. */
  public static final int DEFAULT_REQUESTS_PER_SECOND = 50;
  /** Burst used when a {@code rate_limits} section does not set one. */
  public static final int DEFAULT_BURST = 100;

  /**
   * One token bucket.
   *
   * @param requestsPerSecond sustained rate (tokens added per second), at least 1
   * @param burst             bucket size: requests allowed at once after a quiet period, at least 1
   */
  public record Rate(int requestsPerSecond, int burst) {
    public Rate {
      if (requestsPerSecond < 1 || burst < 1) {
        throw new IllegalArgumentException(
            "rate limits must be positive: " + requestsPerSecond + "/s, burst " + burst);
      }
    }
  }

  public RateLimits {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(perUser, "perUser");
    Objects.requireNonNull(maxInFlight, "maxInFlight");
    if (maxInFlight.isPresent() && maxInFlight.getAsInt() < 1) {
      throw new IllegalArgumentException("max in flight must be positive: " + maxInFlight.getAsInt());
    }
  }

  /** Only a tenant bucket: {@code requestsPerSecond} with {@code burst}. */
  public static RateLimits of(int requestsPerSecond, int burst) {
    return new RateLimits(new Rate(requestsPerSecond, burst), Optional.empty(), OptionalInt.empty());
  }

  /** 50 requests per second with a burst of 100, nothing else. */
  public static RateLimits defaults() {
    return of(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_BURST);
  }
}
