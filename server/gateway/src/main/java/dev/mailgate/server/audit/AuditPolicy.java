package dev.mailgate.server.audit;

import java.time.Duration;

/**
 * How the audit trail is recorded.
 *
 * @param enabled whether calls are recorded at all (off only to measure what recording costs)
 * @param batchSize a tenant's pending entries are written once this many are waiting, in one statement
 * @param flushInterval and at least this often; also the base of a failed batch's backoff
 * @param maxPendingPerTenant the most entries one tenant may have waiting (the batch being
 *     retried included); entries beyond it are lost, counted and logged
 * @param maxPendingTotal the most entries all tenants together may have waiting
 * @param attempts how many times a batch is tried before it is given up (lost, counted and logged)
 * @param sweepInterval how often, at most, a tenant's expired entries are swept (after a write)
 */
public record AuditPolicy(boolean enabled, int batchSize, Duration flushInterval, int maxPendingPerTenant,
    int maxPendingTotal, int attempts, Duration sweepInterval) {

  /** 500 entries or 1 s per batch, 10,000 waiting per tenant and 100,000 in all, 5 attempts, a sweep a minute. */
  public static final AuditPolicy DEFAULT = new AuditPolicy(true, 500, Duration.ofSeconds(1), 10_000, 100_000, 5,
      Duration.ofMinutes(1));

  public AuditPolicy {
    if (batchSize < 1 || maxPendingPerTenant < batchSize || maxPendingTotal < maxPendingPerTenant || attempts < 1) {
      throw new IllegalArgumentException("audit policy: need 1 <= batchSize <= maxPendingPerTenant <= maxPendingTotal"
          + " and attempts >= 1");
    }
    if (flushInterval.isNegative() || flushInterval.isZero() || sweepInterval.isNegative()) {
      throw new IllegalArgumentException("audit policy: the flush interval must be positive");
    }
  }

  /** This policy, recording or not. */
  public AuditPolicy withEnabled(boolean on) {
    return new AuditPolicy(on, batchSize, flushInterval, maxPendingPerTenant, maxPendingTotal, attempts, sweepInterval);
  }
}
