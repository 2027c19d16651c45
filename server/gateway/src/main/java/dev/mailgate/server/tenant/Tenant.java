package dev.mailgate.server.tenant;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.SecretUnreadableException;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

/**
 * One tenant as the gateway sees it: its configuration, its data (a database of its own, or a
 * schema of its own in a database whose pool it shares with other tenants) and its own token
 * cipher (keyset loaded on first use). Every query of a tenant goes through
 * {@link #withDatabase} or {@link #withTransaction}, whose client names the tenant's schema in
 * each statement ({@code {schema}.users}, see {@link SchemaQualifier}), so no query can land in
 * another tenant's schema.
 */
public final class Tenant {

  private static final Logger log = LoggerFactory.getLogger(Tenant.class);
  /** Bounds, for the rest of a transaction, how long it waits for a lock and how long it may sit idle. */
  private static final String LIMIT_WAITS = "SELECT set_config('lock_timeout', $1, true), "
      + "set_config('idle_in_transaction_session_timeout', $1, true)";
  /** PostgreSQL's lock_not_available: a transaction waited for a lock longer than its limit. */
  public static final String LOCK_NOT_AVAILABLE = "55P03";

  private final TenantConfig config;
  private final DatabasePool database;
  private final SchemaQualifier schema;
  private final Lazy<Void> migrated;
  private final Lazy<TokenCipher> cipher;
  private final UnreadableSecrets unreadable;

  Tenant(TenantConfig config, DatabasePools pools, TenantMigrations migrations, TenantCipherLoader ciphers,
      UnreadableSecrets unreadable) {
    this.unreadable = unreadable;
    this.config = config;
    this.database = pools.poolFor(config.database());
    this.schema = new SchemaQualifier(config.database().schema());
    this.migrated = new Lazy<>(() -> migrations.ensure(config, this::<String>onData));
    this.cipher = new Lazy<>(() -> ciphers.load(config));
  }

  public String id() {
    return config.id();
  }

  public TenantConfig config() {
    return config;
  }

  /**
   * Runs {@code work} with a client on this tenant's data (its schema up to date). A database that
   * refuses or drops connections fails the work with {@code TENANT_DATABASE_UNAVAILABLE}.
   */
  public <T> Future<T> withDatabase(Function<SqlClient, Future<T>> work) {
    return migrated.get().compose(v -> onData(work)).recover(DatabaseUnavailable::recover);
  }

  /** Runs {@code work} in one transaction on this tenant's data; it commits if the work succeeds. */
  public <T> Future<T> withTransaction(Function<SqlClient, Future<T>> work) {
    return migrated.get().compose(v -> database.use(pool -> pool.withTransaction(tx -> work.apply(schema.on(tx)))))
        .recover(DatabaseUnavailable::recover);
  }

  /**
   * Like {@link #withTransaction}, for work that waits on the network while it holds locks: the
   * transaction waits at most {@code limit} for a lock (then fails with {@link #LOCK_NOT_AVAILABLE}),
   * and if it sits idle longer than {@code limit} PostgreSQL ends its session, which releases its
   * locks even if this process never comes back to it.
   */
  public <T> Future<T> withBoundedTransaction(Duration limit, Function<SqlClient, Future<T>> work) {
    return withTransaction(tx -> tx.preparedQuery(LIMIT_WAITS).execute(Tuple.of(limit.toMillis() + "ms"))
        .compose(set -> work.apply(tx)));
  }

  private <T> Future<T> onData(Function<SqlClient, Future<T>> work) {
    return database.use(pool -> work.apply(schema.on(pool)));
  }

  /** This tenant's token cipher. */
  public Future<TokenCipher> cipher() {
    return cipher.get();
  }

  /**
   * Decrypts one stored secret. A ciphertext made with a key this gateway has not loaded yet (a
   * {@code keys rotate} by another process) triggers one reload of the keyset before it is refused.
   * A secret that still does not decrypt (made for another connection or field, tampered with, or
   * its key gone) marks the connection NEEDS_REAUTH, tells the operator in one log line, and fails
   * with CONNECTION_NEEDS_REAUTH (FAILED_PRECONDITION).
   */
  public Future<String> decrypt(UUID connectionId, SecretField field, byte[] ciphertext) {
    Future<TokenCipher> current = cipher.get();
    return current.compose(loaded -> {
      try {
        return Future.succeededFuture(loaded.decrypt(connectionId, field, ciphertext));
      } catch (SecretUnreadableException unknownKey) {
        return cipher.remake(current).map(reloaded -> reloaded.decrypt(connectionId, field, ciphertext));
      }
    }).recover(failure -> failure instanceof SecretUnreadableException unreadable
        ? markUnreadable(connectionId, field.name()).compose(marked -> Future.failedFuture(unreadableSecret(unreadable)))
        : Future.failedFuture(failure));
  }

  /**
   * Marks a connection whose stored secret cannot be read NEEDS_REAUTH, with one log line for the
   * operator (unless a transaction holds its row: call again once it has ended). Never fails.
   */
  public Future<Void> markUnreadable(UUID connectionId, String field) {
    return unreadable.markNeedsReauth(this, connectionId)
        .transform(marked -> {
          if (marked.failed()) {
            log.warn("tenant={} connection={} stored {} cannot be decrypted; marking it NEEDS_REAUTH failed: {}",
                id(), connectionId, field, marked.cause().toString());
          } else if (marked.result()) {
            log.warn("tenant={} connection={} stored {} cannot be decrypted (another key, another connection's"
                + " ciphertext, or tampered with): marked NEEDS_REAUTH; the user must authorize or connect it again",
                id(), connectionId, field);
          }
          return Future.<Void>succeededFuture();
        });
  }

  /** Whether {@code failure} is that of a stored secret that does not decrypt. */
  public static boolean isUnreadableSecret(Throwable failure) {
    return failure instanceof GatewayException e && e.getCause() instanceof SecretUnreadableException;
  }

  private static GatewayException unreadableSecret(SecretUnreadableException cause) {
    return GatewayException.withCause(Reason.CONNECTION_NEEDS_REAUTH,
        "the connection's stored credentials can no longer be read; the user must authorize or connect it again",
        cause);
  }
}
