package dev.mailgate.server.audit;

import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes audit entries older than the tenant's {@code audit.retention_days} (90 by default): after
 * a tenant's batch is written, at most once an {@code interval} per tenant (per gateway), one
 * bounded sweep of at most {@value #SWEEP_LIMIT} entries runs; a sweep that hit the limit makes the
 * next write sweep again. Expired entries are never listed, swept or not.
 */
final class AuditRetention {

  private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);
  /** The most entries one sweep deletes. */
  static final int SWEEP_LIMIT = 10_000;

  private final AuditStore store;
  private final Duration interval;
  private final Map<String, Long> lastSweep = new ConcurrentHashMap<>();

  AuditRetention(AuditStore store, Duration interval) {
    this.store = store;
    this.interval = interval;
  }

  /** Sweeps the tenant's trail if its last sweep here is older than the interval; never fails. */
  Future<Void> sweepIfDue(Tenant tenant) {
    long now = System.nanoTime();
    Long last = lastSweep.get(tenant.id());
    if (last != null && now - last < interval.toNanos()) {
      return Future.succeededFuture();
    }
    if (last == null ? lastSweep.putIfAbsent(tenant.id(), now) != null : !lastSweep.replace(tenant.id(), last, now)) {
      return Future.succeededFuture(); // another write is sweeping
    }
    return tenant.withDatabase(db -> store.sweep(db, tenant.config().audit().retention(), SWEEP_LIMIT))
        .<Void>map(deleted -> {
          if (deleted >= SWEEP_LIMIT) {
            lastSweep.remove(tenant.id(), now); // more to delete: the next write sweeps again
          }
          return null;
        })
        .otherwise(failure -> {
          log.warn("tenant={} audit retention sweep failed: {}", tenant.id(), failure.getClass().getSimpleName());
          return null;
        });
  }
}
