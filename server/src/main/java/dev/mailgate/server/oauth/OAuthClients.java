package dev.mailgate.server.oauth;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.tenant.config.OAuthClientConfig;
import dev.mailgate.tenant.config.OAuthProvider;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vertx-auth-oauth2 client of each tenant for each provider, built once from the tenant's
 * OAuth client (id, secret, redirect URI) and the provider's endpoints.
 */
public final class OAuthClients {

  /** One tenant's client for one provider. */
  public record Client(OAuth2Auth auth, OAuthClientConfig config, OAuthEndpoints endpoints) {}

  private final Vertx vertx;
  private final OAuthProviders providers;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  public OAuthClients(Vertx vertx, OAuthProviders providers) {
    this.vertx = vertx;
    this.providers = providers;
  }

  public OAuthProviders providers() {
    return providers;
  }

  /** The tenant's client for the provider; INVALID_ARGUMENT if the tenant has not configured one. */
  public Client of(TenantConfig tenant, ProviderKind provider) {
    OAuthClientConfig config = provider == ProviderKind.IMAP ? null
        : tenant.oauthClients().get(OAuthProvider.valueOf(provider.name()));
    OAuthEndpoints endpoints = providers.of(provider).orElse(null);
    if (config == null || endpoints == null) {
      throw GatewayException.invalid(List.of(new FieldViolation("provider",
          "this tenant has no OAuth client configured for " + provider)));
    }
    return clients.computeIfAbsent(tenant.id() + "/" + provider, key -> new Client(
        OAuth2Auth.create(vertx, new OAuth2Options()
            .setClientId(config.clientId())
            .setClientSecret(config.clientSecret().reveal())
            .setAuthorizationPath(endpoints.authorizationUrl())
            .setTokenPath(endpoints.tokenUrl())
            .setRevocationPath(endpoints.revocationUrl().orElse(null))),
        config, endpoints));
  }
}
