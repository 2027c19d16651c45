package dev.mailgate.tenant.config;

/**
 * Request limits for one tenant, as a token bucket.
 *
 * @param requestsPerSecond sustained rate, at least 1
 * @param burst             bucket size: requests allowed at once after a quiet period, at least 1
 */
public record RateLimits(int requestsPerSecond, int burst) {

  /** Sustained rate used when a tenant file does not set one. */
  public static final int DEFAULT_REQUESTS_PER_SECOND = 50;
  /** Burst used when a tenant file does not set one. */
  public static final int DEFAULT_BURST = 100;

  public RateLimits {
    if (requestsPerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "rate limits must be positive: " + requestsPerSecond + "/s, burst " + burst);
    }
  }

  /** 50 requests per second with a burst of 100. */
  public static RateLimits defaults() {
    return new RateLimits(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_BURST);
  }
}
