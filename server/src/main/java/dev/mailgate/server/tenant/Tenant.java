package dev.mailgate.server.tenant;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.SecretUnreadableException;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * One tenant as the gateway sees it: its configuration, its data (a database of its own, or a
 * schema of its own in a database whose pool it shares with other tenants) and its own token
 * cipher (keyset loaded on first use). Every query of a tenant goes through
 * {@link #withDatabase} or {@link #withTransaction}: on a shared pool they put the connection on
 * the tenant's schema before the work sees it, every time, so no query can land in another
 * tenant's schema.
 */
public final class Tenant {

  private static final String USE_SCHEMA = "SELECT set_config('search_path', $1, false)";

  private final TenantConfig config;
  private final DatabasePool database;
  private final Optional<String> schema;
  private final Lazy<Void> migrated;
  private final Lazy<TokenCipher> cipher;

  Tenant(TenantConfig config, DatabasePools pools, TenantMigrations migrations, TenantCipherLoader ciphers) {
    this.config = config;
    this.database = pools.poolFor(config.database());
    this.schema = config.database().schema();
    this.migrated = new Lazy<>(() -> migrations.ensure(config, this::<String>onSchema));
    this.cipher = new Lazy<>(() -> ciphers.load(config));
  }

  public String id() {
    return config.id();
  }

  public TenantConfig config() {
    return config;
  }

  /** Runs {@code work} with a client on this tenant's data (its schema up to date). */
  public <T> Future<T> withDatabase(Function<SqlClient, Future<T>> work) {
    return migrated.get().compose(v -> onSchema(work));
  }

  /** Runs {@code work} in one transaction on this tenant's data; it commits if the work succeeds. */
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return migrated.get().compose(v -> database.use(pool -> pool.withTransaction(tx ->
        schema.isEmpty() ? work.apply(tx) : onOwnSchema(tx, work))));
  }

  private <T> Future<T> onSchema(Function<SqlClient, Future<T>> work) {
    return database.use(pool -> schema.isEmpty()
        ? work.apply(pool)
        : pool.withConnection(connection -> onOwnSchema(connection, work)));
  }

  /** Puts the borrowed connection on this tenant's schema, then runs the work on it. */
  private <C extends SqlClient, T> Future<T> onOwnSchema(C connection, Function<? super C, Future<T>> work) {
    return connection.preparedQuery(USE_SCHEMA).execute(Tuple.of(schema.get())).compose(set -> work.apply(connection));
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
}
