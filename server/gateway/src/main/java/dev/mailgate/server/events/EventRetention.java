package dev.mailgate.server.events;

import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import dev.mailgate.server.tenant.TenantChoreGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events older than the tenant's retention ({@code events.retention_days}, 7 days by default): readers of a tenant's log call
 * {@link #sweepIfDue} before they read, and at most once an {@code interval} per tenant (per
 * gateway) one bounded sweep runs. A tenant nobody reads keeps its old events until someone does.
 */
public final class EventRetention {

  private static final Logger log = LoggerFactory.getLogger(EventRetention.class);
  /** The most events one sweep deletes. */
  static final int SWEEP_LIMIT = 1000;

  private final EventLog events;
  private final TenantChoreGate gate;

  public EventRetention(EventLog events, Duration interval) {
    this.events = events;
    this.gate = new TenantChoreGate(interval);
  }

  /** Sweeps the tenant's log if its last sweep here is older than the interval; never fails. */
  public Future<Void> sweepIfDue(Tenant tenant) {
    if (gate.tryStart(tenant.id()).isEmpty()) {
      return Future.succeededFuture(); // swept lately, or another reader is sweeping
    }
    return sweep(tenant).<Void>mapEmpty().otherwise(failure -> {
      log.warn("tenant={} event retention sweep failed: {}", tenant.id(), failure.getClass().getSimpleName());
      return null;
    });
  }

  /** One bounded sweep now; returns how many events it deleted. */
  public Future<Long> sweep(Tenant tenant) {
    return tenant.withDatabase(db -> events.sweep(db, tenant.config().events().retention(), SWEEP_LIMIT));
  }
}
