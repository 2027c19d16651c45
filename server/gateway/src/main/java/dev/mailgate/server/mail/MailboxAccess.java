package dev.mailgate.server.mail;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;

/**
 * Access to a mailbox, the one way in: it authorizes (the connection must belong to the user named
 * in the call, checked in the same query that finds it, and be ACTIVE), fetches the credential,
 * and retries once after renewing a refused one. With a usable credential the
 * operation runs on the connection's provider. The credential comes from the connection's
 * {@link CredentialSource}, resolved here (on the event loop) before the provider is called, so the
 * provider's {@link MailboxCredential} carries a known credential. A 401 from the provider gets one renewal
 * and one retry; a second 401 (or a credential that cannot be renewed) marks the connection
 * NEEDS_REAUTH.
 */
public final class MailboxAccess {

  /** How stale last_used_time may be. */
  static final java.time.Duration TOUCH_INTERVAL = java.time.Duration.ofMinutes(1);

  /** One operation on one mailbox. */
  @FunctionalInterface
  public interface Operation<T> {
    Future<T> run(MailProvider provider, MailboxCredential mailbox);
  }

  private final ConnectionStore connections;
  private final NeedsReauth needsReauth;
  private final MailboxProviders providers;
  /**
   * The connections (tenant/id) whose last_used_time was written within the last minute: it is
   * written at most once a minute. Entries leave after that minute; at most 100,000 are kept.
   */
  private final Cache<String, Boolean> touched = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(TOUCH_INTERVAL).build();

  public MailboxAccess(ConnectionStore connections, NeedsReauth needsReauth, MailboxProviders providers) {
    this.connections = connections;
    this.needsReauth = needsReauth;
    this.providers = providers;
  }

  /** The user's own connection, or CONNECTION_NOT_FOUND (also for another user's). */
  public Future<ConnectionRecord> owned(Tenant tenant, String userId, String connectionId) {
    return tenant.withDatabase(db -> connections.getOwned(db, userId, connectionId));
  }

  /** Every ACTIVE connection of the user. */
  public Future<java.util.List<ConnectionRecord>> active(Tenant tenant, String userId) {
    return tenant.withDatabase(db -> connections.activeOf(db, userId));
  }

  /** Checks ownership, then runs the operation on the mailbox. */
  public <T> Future<T> withMailbox(Tenant tenant, String userId, String connectionId, Operation<T> operation) {
    return owned(tenant, userId, connectionId).compose(connection -> run(tenant, connection, operation));
  }

  /** Runs the operation on a connection whose ownership the caller already checked. */
  public <T> Future<T> run(Tenant tenant, ConnectionRecord connection, Operation<T> operation) {
    if (connection.status() != ConnectionStatus.ACTIVE) {
      return Future.failedFuture(new GatewayException(Reason.CONNECTION_NEEDS_REAUTH,
          "this connection must be authorized again before it can be used"));
    }
    MailProvider provider = providers.operations(connection.provider()).orElse(null);
    if (provider == null) {
      return Future.failedFuture(new GatewayException(Reason.NOT_IMPLEMENTED,
          "mail operations on " + connection.provider() + " connections are not implemented yet"));
    }
    CredentialSource source = providers.credentials(tenant, connection);
    return source.current()
        .compose(current -> operation.run(provider, mailbox(tenant, connection, source, current))
            .recover(failure -> failure instanceof ProviderUnauthorizedException
                ? source.renewedAfter(current)
                    .compose(fresh -> operation.run(provider, mailbox(tenant, connection, source, fresh)))
                : Future.failedFuture(failure)))
        .recover(failure -> failure instanceof ProviderUnauthorizedException
            ? needsReauth.mark(tenant, connection.id())
                .compose(marked -> Future.failedFuture(new GatewayException(Reason.CONNECTION_NEEDS_REAUTH,
                    "the provider refused the connection's credentials; the user must authorize or connect it again")))
            : Future.failedFuture(failure))
        .onSuccess(done -> touch(tenant, connection.id()));
  }

  /**
   * Records the use in last_used_time, at most once a {@link #TOUCH_INTERVAL} per connection, so
   * that a busy mailbox does not cost a database write on every read.
   */
  private void touch(Tenant tenant, java.util.UUID connectionId) {
    if (touched.asMap().putIfAbsent(tenant.id() + "/" + connectionId, Boolean.TRUE) != null) {
      return;
    }
    tenant.withDatabase(db -> connections.touch(db, connectionId));
  }

  private static MailboxCredential mailbox(Tenant tenant, ConnectionRecord connection, CredentialSource source,
      String credential) {
    return new MailboxCredential(connection.emailAddress(), credential, source, connection.settings(),
        tenant.id() + "/" + connection.id(), tenant.config().egress());
  }
}
