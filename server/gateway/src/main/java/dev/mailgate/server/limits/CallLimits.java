package dev.mailgate.server.limits;

import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every tenant's limits (its {@code rate_limits}), made on the tenant's first call. A tenant without
 * {@code rate_limits} is not limited; with limits off (the gateway's {@code --rate-limits off}) no
 * tenant is. Tenants are fixed for the life of the process, so the map holds at most one entry each.
 */
public final class CallLimits {

  /** The tenant's shared bucket is the row of this scope in its {@code rate_limit_buckets}. */
  static final String TENANT_SCOPE = "tenant";

  private final Vertx vertx;
  private final boolean on;
  private final Map<String, TenantLimiter> limiters = new ConcurrentHashMap<>();

  private CallLimits(Vertx vertx, boolean on) {
    this.vertx = vertx;
    this.on = on;
  }

  /** Enforces each tenant's configured limits. */
  public static CallLimits enforcing(Vertx vertx) {
    return new CallLimits(vertx, true);
  }

  /** Enforces nothing (for comparing the hot path with and without limits). */
  public static CallLimits off() {
    return new CallLimits(null, false);
  }

  /** The limits of this (authenticated) tenant. */
  public TenantLimiter of(Tenant tenant) {
    if (!on) {
      return TenantLimiter.UNLIMITED;
    }
    TenantLimiter known = limiters.get(tenant.id());
    return known != null ? known : limiters.computeIfAbsent(tenant.id(), id -> create(tenant));
  }

  private TenantLimiter create(Tenant tenant) {
    return tenant.config().rateLimits().map(limits -> new TenantLimiter(
        new SharedBucket(vertx, tenant.id(), limits.tenant(), want -> tenant.withDatabase(db ->
            BucketLeases.lease(db, TENANT_SCOPE, limits.tenant(), want))),
        limits.perUser(),
        limits.maxInFlight().isPresent() ? new InFlightLimit(limits.maxInFlight().getAsInt()) : null))
        .orElse(TenantLimiter.UNLIMITED);
  }

  /** Whether limits are enforced at all. */
  public boolean on() {
    return on;
  }
}
