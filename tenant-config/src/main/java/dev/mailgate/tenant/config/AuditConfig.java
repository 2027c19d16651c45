package dev.mailgate.tenant.config;

import java.time.Duration;

/**
 * How long the tenant's audit trail (who read or changed which user's mail, and when) is kept.
 *
 * @param retentionDays how many days audit entries are kept and listed (1 to 3,650)
 */
public record AuditConfig(int retentionDays) {

  public static final int DEFAULT_RETENTION_DAYS = 90;
  public static final int MAX_RETENTION_DAYS = 3650;

  public AuditConfig {
    if (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) {
      throw new IllegalArgumentException("retention_days must be 1 to " + MAX_RETENTION_DAYS);
    }
  }

  /** Ninety days. */
  public static AuditConfig defaults() {
    return new AuditConfig(DEFAULT_RETENTION_DAYS);
  }

  public Duration retention() {
    return Duration.ofDays(retentionDays);
  }
}
