package dev.mailgate.tenant.config;

import java.time.Duration;

/**
 * How the tenant's mailbox events are kept.
 *
 * @param retentionDays how many days events stay readable (1 to 365); a cursor older than that
 *     gets RESYNC_REQUIRED
 */
public record EventsConfig(int retentionDays) {

  public static final int DEFAULT_RETENTION_DAYS = 7;
  public static final int MAX_RETENTION_DAYS = 365;

  public EventsConfig {
    if (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) {
      throw new IllegalArgumentException("retention_days must be 1 to " + MAX_RETENTION_DAYS);
    }
  }

  /** Seven days. */
  public static EventsConfig defaults() {
    return new EventsConfig(DEFAULT_RETENTION_DAYS);
  }

  public Duration retention() {
    return Duration.ofDays(retentionDays);
  }
}
