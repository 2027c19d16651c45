package dev.mailgate.server.tenant;

import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The tenants this gateway serves, found by exact id only, and the database pools they use. */
public final class TenantRegistry {

  private final Map<String, Tenant> tenants;
  private final DatabasePools pools;
  private final TenantMigrations migrations;

  /**
   * @param maxConnections the most PostgreSQL connections all tenants together may hold
   * @param idleTimeout how long a database pool stays open unused
   * @param maxWaiters how many calls may wait for a connection of one pool; more are refused (GATEWAY_OVERLOADED)
   * @param unreadable what marks a connection whose stored secret no longer decrypts
   */
  public TenantRegistry(Vertx vertx, Collection<TenantConfig> configs, TenantCipherLoader ciphers,
      int maxConnections, Duration idleTimeout, int migrationThreads, int maxWaiters, UnreadableSecrets unreadable) {
    this.pools = new DatabasePools(vertx, maxConnections, idleTimeout, maxWaiters);
    this.migrations = new TenantMigrations(vertx, migrationThreads, pools);
    this.tenants = configs.stream()
        .map(config -> new Tenant(config, pools, migrations, ciphers, unreadable))
        .collect(Collectors.toUnmodifiableMap(Tenant::id, Function.identity()));
  }

  /** The tenant with exactly this id, if there is one. */
  public Optional<Tenant> find(String tenantId) {
    return Optional.ofNullable(tenants.get(tenantId));
  }

  public List<String> ids() {
    return tenants.keySet().stream().sorted().toList();
  }

  /** The gateway's database pools (for metrics and tests). */
  public DatabasePools pools() {
    return pools;
  }

  /** Closes every open pool and the migration workers. */
  public Future<Void> close() {
    return pools.close().eventually(migrations::close);
  }
}
