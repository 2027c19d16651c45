package dev.mailgate.server.oauth;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.store.StoredCredentials;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes the gateway's grant at the provider before a connection is deleted, where the
 * provider's {@link OAuthSignIn} has a revocation endpoint. Google has one; Microsoft Graph has
 * none (a user removes the app's consent in their account), so Outlook connections, like password
 * connections, are only deleted locally. Revocation is best effort: a
 * provider that cannot be reached does not keep the connection (and its tokens) alive here.
 */
public final class ProviderGrants {

  private static final Logger log = LoggerFactory.getLogger(ProviderGrants.class);

  private final OAuthClients clients;
  private final CredentialStore credentials;

  public ProviderGrants(OAuthClients clients, CredentialStore credentials) {
    this.clients = clients;
    this.credentials = credentials;
  }

  /** Revokes every grant of the user's connections (before the user is deleted). */
  public Future<Void> revokeAllOf(Tenant tenant, String userId) {
    return tenant.withDatabase(db -> credentials.ofUser(db, userId))
        .compose(all -> Future.join(all.stream().map(stored -> revoke(tenant, stored)).toList()).mapEmpty());
  }

  /** Revokes one connection's grant, if its provider supports revocation and it holds one. */
  public Future<Void> revoke(Tenant tenant, java.util.UUID connectionId) {
    return tenant.withDatabase(db -> credentials.find(db, connectionId))
        .compose(found -> found.map(stored -> revoke(tenant, stored)).orElse(Future.succeededFuture()));
  }

  private Future<Void> revoke(Tenant tenant, StoredCredentials stored) {
    boolean revocable = clients.signIn(stored.provider()).flatMap(signIn -> signIn.endpoints().revocationUrl())
        .isPresent();
    if (!revocable || (stored.refreshToken().isEmpty() && stored.accessToken().isEmpty())) {
      return Future.succeededFuture();
    }
    boolean refresh = stored.refreshToken().isPresent();
    String type = refresh ? "refresh_token" : "access_token";
    Future<String> token = refresh
        ? tenant.decrypt(stored.connectionId(), SecretField.REFRESH_TOKEN, stored.refreshToken().get())
        : tenant.decrypt(stored.connectionId(), SecretField.ACCESS_TOKEN, stored.accessToken().get());
    return token.compose(plain ->
        clients.bounded(clients.of(tenant.config(), stored.provider()).auth()
            .revoke(User.create(new JsonObject().put(type, plain)), type))).recover(failure -> {
      log.warn("tenant={} connection={} revocation at the provider failed ({}); deleting locally anyway",
          tenant.id(), stored.connectionId(), failure.getClass().getSimpleName());
      return Future.succeededFuture();
    });
  }

}
