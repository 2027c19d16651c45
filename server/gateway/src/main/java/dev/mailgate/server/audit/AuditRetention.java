package dev.mailgate.server.audit;

import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.tenant.TenantChoreGate;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.OptionalLong;
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
  private final TenantChoreGate gate;

  AuditRetention(AuditStore store, Duration interval) {
    this.store = store;
    this.gate = new TenantChoreGate(interval);
  }

  /** Sweeps the tenant's trail if its last sweep here is older than the interval; never fails. */
  Future<Void> sweepIfDue(Tenant tenant) {
    OptionalLong started = gate.tryStart(tenant.id());
    if (started.isEmpty()) {
      return Future.succeededFuture();
    }
    return tenant.withDatabase(db -> store.sweep(db, tenant.config().audit().retention(), SWEEP_LIMIT))
        .<Void>map(deleted -> {
          if (deleted >= SWEEP_LIMIT) {
            gate.startAgainSoon(tenant.id(), started.getAsLong()); // more to delete: the next write sweeps again
          }
          return null;
        })
        .otherwise(failure -> {
          log.warn("tenant={} audit retention sweep failed: {}", tenant.id(), failure.getClass().getSimpleName());
          return null;
        });
  }
}
