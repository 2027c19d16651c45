package dev.mailgate.server.oauth;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.tenant.config.OAuthClientConfig;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.server.OutboundTimeouts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The vertx-auth-oauth2 client of each tenant for each provider that connects through OAuth,
 * built once from the tenant's OAuth client (id, secret, redirect URI) and the provider's
 * {@link OAuthSignIn} (endpoints, scopes), as the provider modules declare them.
 */
public final class OAuthClients {

  /** One tenant's client for one provider. */
  public record Client(OAuth2Auth auth, OAuthClientConfig config, OAuthSignIn signIn) {

    public OAuthEndpoints endpoints() {
      return signIn.endpoints();
    }
  }

  private final Vertx vertx;
  private final Map<ProviderKind, OAuthSignIn> signIns = new LinkedHashMap<>();
  private final OutboundTimeouts timeouts;
  /** One per tenant and provider: bounded by the tenant files. */
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  public OAuthClients(Vertx vertx, Collection<OAuthSignIn> signIns, OutboundTimeouts timeouts) {
    this.vertx = vertx;
    signIns.forEach(signIn -> this.signIns.put(signIn.kind(), signIn));
    this.timeouts = timeouts;
  }

  /**
   * A token, refresh or revocation call, failed with PROVIDER_UNAVAILABLE once it has run for the
   * total outbound timeout: vertx-auth-oauth2 has no per-request timeout, only the connect and
   * idle timeouts of its HTTP client (set below).
   */
  public <T> Future<T> bounded(Future<T> call) {
    return timeouts.bound(vertx, call, "the provider's OAuth server");
  }

  /** How the provider connects through OAuth; empty for a provider that does not (a password provider). */
  public Optional<OAuthSignIn> signIn(ProviderKind provider) {
    return Optional.ofNullable(signIns.get(provider));
  }

  /** The tenant's client for the provider; INVALID_ARGUMENT if the tenant has not configured one. */
  public Client of(TenantConfig tenant, ProviderKind provider) {
    OAuthSignIn signIn = signIns.get(provider);
    OAuthClientConfig config = signIn == null ? null : tenant.oauthClients().get(signIn.client());
    if (config == null) {
      throw GatewayException.invalid(List.of(new FieldViolation("provider",
          "this tenant has no OAuth client configured for " + provider)));
    }
    OAuthEndpoints endpoints = signIn.endpoints();
    return clients.computeIfAbsent(tenant.id() + "/" + provider, key -> new Client(
        OAuth2Auth.create(vertx, new OAuth2Options()
            .setClientId(config.clientId())
            .setClientSecret(config.clientSecret().reveal())
            .setAuthorizationPath(endpoints.authorizationUrl())
            .setTokenPath(endpoints.tokenUrl())
            .setRevocationPath(endpoints.revocationUrl().orElse(null))
            .setHttpClientOptions(new HttpClientOptions()
                .setConnectTimeout(timeouts.connectMillis())
                .setIdleTimeout(timeouts.totalMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))),
        config, signIn));
  }
}
