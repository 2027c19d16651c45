package dev.mailgate.server.connect;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.oauth.AuthorizationFlow;
import dev.mailgate.server.oauth.ProviderGrants;
import dev.mailgate.server.provider.ProviderRegistry;
import dev.mailgate.server.store.ConnectionCursor;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.store.UserStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * A user's connected mailboxes, in domain terms: connecting one (the OAuth flow, or a password
 * mailbox's servers and login), listing, reading, checking and deleting them (revoking the
 * provider's grant on request). Every call that names a connection checks that it belongs to the
 * user in the same query that finds it.
 */
public final class ConnectionService {

  private final ProviderRegistry registry;
  private final UserStore users;
  private final ConnectionStore connections;
  private final AuthorizationFlow authorizations;
  private final ConnectionChecker checker;
  private final ProviderGrants grants;
  private final ImapConnector imap;

  public ConnectionService(ProviderRegistry registry, UserStore users, ConnectionStore connections,
      AuthorizationFlow authorizations, ConnectionChecker checker, ProviderGrants grants, ImapConnector imap) {
    this.registry = registry;
    this.users = users;
    this.connections = connections;
    this.authorizations = authorizations;
    this.checker = checker;
    this.grants = grants;
    this.imap = imap;
  }

  /** The kinds a StartAuthorization may name (those that connect through OAuth), in registration order. */
  public List<ProviderKind> oauthKinds() {
    return registry.oauthKinds();
  }

  /** StartAuthorization: a new state and the provider's authorization URL. */
  public Future<AuthorizationFlow.Started> startAuthorization(Tenant tenant, String userId, ProviderKind provider,
      String loginHint, String returnUrl) {
    return authorizations.start(tenant, userId, provider, loginHint, returnUrl);
  }

  /** CompleteAuthorization: consumes the state and stores the connection. */
  public Future<ConnectionRecord> completeAuthorization(Tenant tenant, String state, String code) {
    return authorizations.complete(tenant, state, code);
  }

  /** What is wrong with a password mailbox's servers, by CreateImapConnection field; empty when usable. */
  public List<FieldViolation> imapViolations(MailServers servers) {
    return ImapConnector.violations(servers);
  }

  /** CreateImapConnection: verified by a login, then stored with the password encrypted. */
  public Future<ConnectionRecord> createImap(Tenant tenant, String userId, String emailAddress, MailServers servers,
      String password) {
    return imap.connect(tenant, userId, emailAddress, servers, password);
  }

  /**
   * Up to {@code limit} of the user's connections, newest first, after the cursor. Only an empty
   * first page asks whether the user exists at all (USER_NOT_FOUND), so the common case is one query.
   */
  public Future<Page<ConnectionRecord>> list(Tenant tenant, String userId, int limit, Optional<ConnectionCursor> after) {
    return tenant.withDatabase(db -> connections.list(db, userId, limit, after)
        .compose(page -> page.items().isEmpty() && after.isEmpty()
            ? users.get(db, userId).map(page)
            : Future.succeededFuture(page)));
  }

  /** The user's connection, or CONNECTION_NOT_FOUND (also for another user's). */
  public Future<ConnectionRecord> get(Tenant tenant, String userId, String connectionId) {
    return tenant.withDatabase(db -> connections.getOwned(db, userId, connectionId));
  }

  /** CheckConnection: one live provider call with the connection's credential. */
  public Future<ConnectionChecker.Result> check(Tenant tenant, String userId, String connectionId) {
    return get(tenant, userId, connectionId).compose(connection -> checker.check(tenant, connection));
  }

  /** Deletes the user's connection, revoking the provider's grant first when asked (best effort). */
  public Future<Void> delete(Tenant tenant, String userId, String connectionId, boolean revokeProviderAccess) {
    return tenant.withDatabase(db -> connections.getOwned(db, userId, connectionId)
        .compose(owned -> revokeProviderAccess ? grants.revoke(tenant, owned.id()) : Future.succeededFuture())
        .compose(revoked -> connections.deleteOwned(db, userId, connectionId)));
  }
}
