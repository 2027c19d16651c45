package dev.mailgate.server.mail;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Access to a mailbox, the one way in: it authorizes (the connection must belong to the user named
 * in the call, checked in the same query that finds it, and be ACTIVE), fetches the credential,
 * and retries once after renewing a refused one. With a usable credential the
 * operation runs on the connection's provider. The credential comes from the connection's
 * {@link CredentialSource}, resolved here (on the event loop) before the provider is called, so the
 * provider's {@link MailboxCredential} carries a known credential. A 401 from the provider gets one renewal
 * and one retry; a second 401 (or a credential that cannot be renewed) marks the connection
 * NEEDS_REAUTH.
 *
 * <p>A read ({@link #read}) of a connection this node found owned by the same user and ACTIVE
 * before starts at once, beside its ownership query, so that the query's round trip is not added
 * to the read's; the read's answer is released only when the query confirms that connection as it
 * was, and is dropped otherwise. Writes wait for the query ({@link #withMailbox}).
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
  /**
   * The connections (tenant/id) this node's last ownership query found ACTIVE, as it found them:
   * what {@link #read} may start on before its own query answers. Bounded in size and age.
   */
  private final Cache<String, ConnectionRecord> verified;

  public MailboxAccess(ConnectionStore connections, NeedsReauth needsReauth, MailboxProviders providers,
      MemoryBounds bounds) {
    this.connections = connections;
    this.needsReauth = needsReauth;
    this.providers = providers;
    this.verified = Caffeine.newBuilder().maximumSize(bounds.cacheEntries()).expireAfterWrite(bounds.cacheExpiry()).build();
  }

  /** The user's own connection, or CONNECTION_NOT_FOUND (also for another user's). */
  public Future<ConnectionRecord> owned(Tenant tenant, String userId, String connectionId) {
    String key = tenant.id() + "/" + connectionId;
    return tenant.withDatabase(db -> connections.getOwned(db, userId, connectionId))
        .onSuccess(found -> {
          if (found.status() == ConnectionStatus.ACTIVE) {
            verified.put(key, found);
          } else {
            verified.invalidate(key);
          }
        })
        .onFailure(failure -> verified.invalidate(key));
  }

  /**
   * {@code read} on the user's own connection; CONNECTION_NOT_FOUND as {@link #owned} answers it.
   * When this node last found the connection ACTIVE and owned by this user, the read starts at
   * once, on that record, while the ownership query runs; its outcome is the answer only if the
   * query finds the same mailbox, status and settings. Otherwise (deleted, another status, new settings)
   * the query's answer stands: its failure, or the read run again on what it found. Only for
   * operations without effects at the provider: one that started early may be run twice or dropped.
   */
  public <T> Future<T> read(Tenant tenant, String userId, String connectionId,
      Function<ConnectionRecord, Future<T>> read) {
    ConnectionRecord known = verified.getIfPresent(tenant.id() + "/" + connectionId);
    Future<ConnectionRecord> checked = owned(tenant, userId, connectionId);
    if (known == null || !known.userId().equals(userId)) {
      return checked.compose(read);
    }
    Future<T> early = Future.succeededFuture(known).compose(read);
    return checked.compose(current -> sameMailbox(known, current) ? early : read.apply(current));
  }

  /** Whether a read on {@code known} reads what it would on {@code current}: the same mailbox, status and settings. */
  private static boolean sameMailbox(ConnectionRecord known, ConnectionRecord current) {
    return known.userId().equals(current.userId()) && known.provider().equals(current.provider())
        && known.emailAddress().equals(current.emailAddress()) && known.status() == current.status()
        && known.scopes().equals(current.scopes()) && known.settings().equals(current.settings());
  }

  /** Every ACTIVE connection of the user. */
  public Future<java.util.List<ConnectionRecord>> active(Tenant tenant, String userId) {
    return tenant.withDatabase(db -> connections.activeOf(db, userId));
  }

  /** Checks ownership, then runs the operation on the mailbox (a write: {@link #read} for reads). */
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
