package dev.mailgate.server.events;

import dev.mailgate.server.mail.NeedsReauth;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.tenant.UnreadableSecrets;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The producer of CONNECTION_STATE_CHANGED: every change of a connection's status to NEEDS_REAUTH,
 * and back to ACTIVE through a new authorization, is appended to the event log in the same
 * transaction as the change, so the change and its event commit (or not) together.
 *
 * <p>Each method runs in the caller's transaction, which must hold no other connection's lock
 * before: the status change row-locks the connection first, then the event log's append lock is
 * taken (the same order everywhere, so two producers cannot deadlock).
 */
public final class ConnectionStateChanges implements NeedsReauth, UnreadableSecrets {

  private final CredentialStore credentials;
  private final ConnectionStore connections;
  private final EventLog events;
  private final EventWakeups wakeups;
  private volatile java.util.function.Consumer<String> connectionsChanged = tenantId -> {};

  public ConnectionStateChanges(CredentialStore credentials, ConnectionStore connections, EventLog events,
      EventWakeups wakeups) {
    this.credentials = credentials;
    this.connections = connections;
    this.events = events;
    this.wakeups = wakeups;
  }

  /** Marks the connection NEEDS_REAUTH in a transaction of its own, then wakes the tenant's readers. */
  @Override
  public Future<Void> mark(Tenant tenant, UUID connectionId) {
    return tenant.withTransaction(tx -> markNeedsReauth(tx, connectionId)).onSuccess(v -> committed(tenant));
  }

  /**
   * The caller's transaction that used this class committed: the tenant's log readers read again
   * now, and the listener (the mailbox watcher) learns that the tenant's connections changed.
   */
  public void committed(Tenant tenant) {
    wakeups.appended(tenant.id());
    connectionsChanged.accept(tenant.id());
  }

  /** Tells {@code listener} the id of each tenant whose connections were authorized or changed status. */
  public void onConnectionsChanged(java.util.function.Consumer<String> listener) {
    connectionsChanged = listener;
  }

  /** How long marking an unreadable connection waits for its append lock (the finder may hold it). */
  private static final java.time.Duration UNREADABLE_LOCK_WAIT = java.time.Duration.ofSeconds(5);

  /**
   * Marks a connection whose stored secret no longer decrypts NEEDS_REAUTH, with its event, in a
   * transaction of its own (the ciphertexts stay for an operator to look at). A row locked by a
   * transaction in progress is skipped, not waited for, and the append lock is waited for at most
   * a few seconds: that transaction may be the one that found the problem.
   */
  @Override
  public Future<Boolean> markNeedsReauth(Tenant tenant, UUID connectionId) {
    return tenant.withBoundedTransaction(UNREADABLE_LOCK_WAIT, tx -> events.append(tx, connectionId,
                List.of(NewEvent.connectionState(ConnectionStatus.NEEDS_REAUTH)))
            .compose(sequences -> connections.markUnreadable(tx, connectionId))
            .compose(marked -> marked ? Future.succeededFuture(true) : Future.<Boolean>failedFuture(new NotMarked())))
        .recover(failure -> failure instanceof NotMarked ? Future.succeededFuture(false) : Future.failedFuture(failure))
        .onSuccess(marked -> {
          if (marked) {
            committed(tenant);
          }
        });
  }

  /** The connection was not ACTIVE (or its row was busy): the transaction rolls back its event. */
  private static final class NotMarked extends RuntimeException {
    NotMarked() {
      super("not marked", null, false, false);
    }
  }

  /** Forgets the credentials and marks the connection NEEDS_REAUTH; an event if it was ACTIVE. */
  public Future<Void> markNeedsReauth(SqlClient transaction, UUID connectionId) {
    return credentials.markNeedsReauth(transaction, connectionId).compose(wasActive -> wasActive
        ? events.append(transaction, connectionId, List.of(NewEvent.connectionState(ConnectionStatus.NEEDS_REAUTH)))
            .<Void>mapEmpty()
        : Future.succeededFuture());
  }

  /**
   * Before a mailbox is authorized (or its password given) again: locks the user's existing
   * connection to it and returns its status, for {@link #authorized} to compare.
   */
  public Future<Optional<ConnectionStatus>> before(SqlClient transaction, String userId, ProviderKind provider,
      String emailAddress) {
    return credentials.lockExisting(transaction, userId, provider, emailAddress);
  }

  /** After the connection was made ACTIVE: an event if it existed and was not ACTIVE before. */
  public Future<Void> authorized(SqlClient transaction, UUID connectionId, Optional<ConnectionStatus> before) {
    return before.isPresent() && before.get() != ConnectionStatus.ACTIVE
        ? events.append(transaction, connectionId, List.of(NewEvent.connectionState(ConnectionStatus.ACTIVE)))
            .mapEmpty()
        : Future.succeededFuture();
  }
}
