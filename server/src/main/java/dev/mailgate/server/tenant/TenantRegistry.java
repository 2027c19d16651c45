package dev.mailgate.server.tenant;

import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The tenants this gateway serves, found by exact id only. */
public final class TenantRegistry {

  private final Map<String, Tenant> tenants;

  public TenantRegistry(Collection<TenantConfig> configs, TenantDatabaseOpener databases, TenantCipherLoader ciphers) {
    this.tenants = configs.stream()
        .map(config -> new Tenant(config, databases, ciphers))
        .collect(Collectors.toUnmodifiableMap(Tenant::id, Function.identity()));
  }

  /** The tenant with exactly this id, if there is one. */
  public Optional<Tenant> find(String tenantId) {
    return Optional.ofNullable(tenants.get(tenantId));
  }

  public List<String> ids() {
    return tenants.keySet().stream().sorted().toList();
  }

  /** Closes every pool that was opened. */
  public Future<Void> close() {
    return Future.all(tenants.values().stream().map(Tenant::close).toList()).mapEmpty();
  }
}
