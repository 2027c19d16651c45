package dev.mailgate.server.webhook;

import java.time.Duration;
import java.util.List;

/**
 * How webhooks are delivered.
 *
 * @param retrySchedule the wait before each retry after a failed attempt, in order; after the last
 *     one fails the delivery is dead-lettered (the default spreads seven retries over about three days)
 * @param jitter each wait is stretched or shrunk at random by up to this fraction
 * @param attemptTimeout how long one attempt may take in all (connect, send, answer); a 2xx later is a failure
 * @param pollInterval how often a tenant with endpoints is checked for events to queue and deliveries due
 * @param idleInterval how often a tenant without endpoints is checked (a call on this node wakes it at once)
 * @param batchSize the most events read, or deliveries claimed, per tenant at a time
 * @param maxInFlight the most attempts this node makes at once, over all tenants and endpoints
 * @param maxInFlightPerEndpoint the most attempts this node makes at once to one endpoint (each to another
 *     connection's delivery: a connection's are sent one after another), so that a slow endpoint holds at
 *     most this many of the {@code maxInFlight} slots and the other endpoints keep the rest
 * @param maxBodyBytes the largest body sent; larger events lose their message summary's bulky parts
 * @param defaultGracePeriod how long a rotated-out secret keeps signing unless the caller says otherwise
 * @param retention how long finished (succeeded or dead-lettered) deliveries stay listed
 * @param scanAllTenants whether every tenant is checked from the start (production: another node may have
 *     created the endpoints); otherwise a tenant is checked once a webhook call on this node touched it
 */
public record WebhookPolicy(List<Duration> retrySchedule, double jitter, Duration attemptTimeout,
    Duration pollInterval, Duration idleInterval, int batchSize, int maxInFlight, int maxInFlightPerEndpoint,
    int maxBodyBytes,
    Duration defaultGracePeriod, Duration retention, boolean scanAllTenants) {

  /** 5 s, 5 min, 30 min, 2 h, 8 h, 24 h, 36 h: about three days from the first attempt to the last. */
  public static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
      Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(8), Duration.ofHours(24), Duration.ofHours(36));

  public static final WebhookPolicy DEFAULT = new WebhookPolicy(DEFAULT_SCHEDULE, 0.2, Duration.ofSeconds(15),
      Duration.ofSeconds(1), Duration.ofSeconds(30), 32, 256, 8, 20_000, Duration.ofHours(24), Duration.ofDays(7), true);

  public WebhookPolicy {
    retrySchedule = List.copyOf(retrySchedule);
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1)");
    }
    if (batchSize < 1 || maxInFlight < 1 || maxInFlightPerEndpoint < 1) {
      throw new IllegalArgumentException("batch size and in-flight limits must be positive");
    }
  }

  /** This policy with another retry schedule (tests and dev mode use seconds). */
  public WebhookPolicy withRetrySchedule(List<Duration> schedule) {
    return new WebhookPolicy(schedule, jitter, attemptTimeout, pollInterval, idleInterval, batchSize, maxInFlight,
        maxInFlightPerEndpoint, maxBodyBytes, defaultGracePeriod, retention, scanAllTenants);
  }

  /** This policy with other check intervals. */
  public WebhookPolicy withIntervals(Duration poll, Duration idle) {
    return new WebhookPolicy(retrySchedule, jitter, attemptTimeout, poll, idle, batchSize, maxInFlight,
        maxInFlightPerEndpoint, maxBodyBytes, defaultGracePeriod, retention, scanAllTenants);
  }

  /** This policy checking every tenant from the start, or only those a webhook call on this node touched. */
  public WebhookPolicy withScanAllTenants(boolean all) {
    return new WebhookPolicy(retrySchedule, jitter, attemptTimeout, pollInterval, idleInterval, batchSize, maxInFlight,
        maxInFlightPerEndpoint, maxBodyBytes, defaultGracePeriod, retention, all);
  }

  /** This policy with another limit on one attempt (tests use short ones). */
  public WebhookPolicy withAttemptTimeout(Duration timeout) {
    return new WebhookPolicy(retrySchedule, jitter, timeout, pollInterval, idleInterval, batchSize, maxInFlight,
        maxInFlightPerEndpoint, maxBodyBytes, defaultGracePeriod, retention, scanAllTenants);
  }

  /** This policy with another batch size (tests use small ones to page through endpoints and deliveries). */
  public WebhookPolicy withBatchSize(int size) {
    return new WebhookPolicy(retrySchedule, jitter, attemptTimeout, pollInterval, idleInterval, size, maxInFlight,
        maxInFlightPerEndpoint, maxBodyBytes, defaultGracePeriod, retention, scanAllTenants);
  }

  /** This policy with other limits on the attempts in flight: on this node, and to one endpoint. */
  public WebhookPolicy withInFlightLimits(int total, int perEndpoint) {
    return new WebhookPolicy(retrySchedule, jitter, attemptTimeout, pollInterval, idleInterval, batchSize, total,
        perEndpoint, maxBodyBytes, defaultGracePeriod, retention, scanAllTenants);
  }

  /** How many attempts a delivery gets in all. */
  public int maxAttempts() {
    return retrySchedule.size() + 1;
  }

  /** The wait after failed attempt number {@code attempts} (1-based), jittered by {@code random} in [0, 1). */
  public Duration retryDelay(int attempts, double random) {
    Duration base = retrySchedule.get(Math.min(attempts, retrySchedule.size()) - 1);
    double factor = 1 + jitter * (2 * random - 1);
    return Duration.ofMillis(Math.max(0, Math.round(base.toMillis() * factor)));
  }
}
