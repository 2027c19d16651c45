package dev.mailgate.server.crypto;

import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.tenant.config.Secret;
import dev.mailgate.tenant.config.TenantConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tenant configurations for the crypto tests: only the id and the keyset file matter here. */
final class TestKeys {

  private TestKeys() {}

  static TenantConfig tenant(String id) {
    return tenant(id, Optional.empty());
  }

  static TenantConfig tenant(String id, Optional<Path> keysetFile) {
    DatabaseConfig database = new DatabaseConfig("127.0.0.1", 5432, "mailgate_" + id, "mailgate", Secret.of(""), 2,
        Optional.empty(), false);
    return new TenantConfig(id, database, List.of(), Map.of(), List.of(), keysetFile, Optional.empty(),
        Path.of(id + ".yaml"));
  }
}
