package dev.mailgate.server.tenant;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.SecretUnreadableException;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * One tenant as the gateway sees it: its configuration, its own database pool (opened and
 * migrated on first use) and its own token cipher (keyset loaded on first use). No two tenants
 * ever share either.
 */
public final class Tenant {

  private final TenantConfig config;
  private final Lazy<Pool> pool;
  private final Lazy<TokenCipher> cipher;

  Tenant(TenantConfig config, TenantDatabaseOpener databases, TenantCipherLoader ciphers) {
    this.config = config;
    this.pool = new Lazy<>(() -> databases.open(config));
    this.cipher = new Lazy<>(() -> ciphers.load(config));
  }

  public String id() {
    return config.id();
  }

  public TenantConfig config() {
    return config;
  }

  /** This tenant's database pool. */
  public Future<Pool> pool() {
    return pool.get();
  }

  /** This tenant's token cipher. */
  public Future<TokenCipher> cipher() {
    return cipher.get();
  }

  /**
   * Decrypts one stored secret. A ciphertext made with a key this gateway has not loaded yet (a
   * {@code keys rotate} by another process) triggers one reload of the keyset before it is refused.
   */
  public Future<String> decrypt(UUID connectionId, SecretField field, byte[] ciphertext) {
    Future<TokenCipher> current = cipher.get();
    return current.compose(loaded -> {
      try {
        return Future.succeededFuture(loaded.decrypt(connectionId, field, ciphertext));
      } catch (SecretUnreadableException unknownKey) {
        return cipher.remake(current).map(reloaded -> reloaded.decrypt(connectionId, field, ciphertext));
      }
    });
  }

  /** Closes the pool if it was opened. */
  Future<Void> close() {
    return pool.close(Pool::close);
  }
}
