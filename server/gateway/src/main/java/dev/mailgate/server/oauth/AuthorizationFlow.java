package dev.mailgate.server.oauth;

import dev.mailgate.server.tracing.ProviderCalls;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.events.ConnectionStateChanges;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.store.UserStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The OAuth authorization-code flow with PKCE (S256). A state is random, bound in the tenant's
 * database to user + provider + PKCE verifier + return URL, expires, and is consumed once. The
 * state names its tenant ({@code <tenant>.<random>}) so the browser callback, which carries no
 * API key, can find the tenant's database; a state presented to another tenant is refused.
 */
public final class AuthorizationFlow {

  /** What StartAuthorization returns. */
  public record Started(String authorizationUrl, String state, Instant expireTime) {}

  private static final Duration STATE_LIFETIME = Duration.ofMinutes(10);

  private final OAuthClients clients;
  private final ProfileClient profiles;
  private final UserStore users;
  private final ConnectionStore connections;
  private final CredentialStore credentials;
  private final ConnectionStateChanges changes;
  private final AuthorizationStates states = new AuthorizationStates();

  public AuthorizationFlow(OAuthClients clients, ProfileClient profiles, UserStore users, ConnectionStore connections,
      CredentialStore credentials, ConnectionStateChanges changes) {
    this.clients = clients;
    this.profiles = profiles;
    this.users = users;
    this.connections = connections;
    this.credentials = credentials;
    this.changes = changes;
  }

  /** Creates the user if needed, stores a new state and returns the provider's authorization URL. */
  public Future<Started> start(Tenant tenant, String userId, ProviderKind provider, String loginHint, String returnUrl) {
    if (!returnUrl.isEmpty() && !allowed(tenant, returnUrl)) {
      throw GatewayException.invalid(List.of(new FieldViolation("return_url", "is not on this tenant's allowed_return_urls")));
    }
    OAuthClients.Client client = clients.of(tenant.config(), provider);
    String state = tenant.id() + "." + Pkce.randomToken();
    String verifier = Pkce.randomToken();
    Instant expires = Instant.now().plus(STATE_LIFETIME);
    OAuth2AuthorizationURL url = new OAuth2AuthorizationURL()
        .setRedirectUri(client.config().redirectUri())
        .setScopes(client.endpoints().scopes())
        .setState(state)
        .setCodeChallenge(Pkce.challenge(verifier))
        .setCodeChallengeMethod("S256");
    client.endpoints().authorizationParameters().forEach(url::putAdditionalParameter);
    if (!loginHint.isEmpty()) {
      url.setLoginHint(loginHint);
    }
    return tenant.withDatabase(db -> users.ensure(db, userId, "")
            .compose(user -> states.insert(db, Pkce.sha256(state), userId, provider, verifier, returnUrl, expires)))
        .map(stored -> new Started(client.auth().authorizeURL(url), state, expires));
  }

  /** The tenant a state claims to belong to, if it has the shape of a state at all. */
  public static Optional<String> tenantOf(String state) {
    int dot = state.indexOf('.');
    return dot > 0 ? Optional.of(state.substring(0, dot)) : Optional.empty();
  }

  /** Consumes the state (once, unexpired, of this tenant), or fails with AUTHORIZATION_STATE_INVALID. */
  public Future<AuthorizationStates.Pending> consume(Tenant tenant, String state) {
    if (!tenantOf(state).map(tenant.id()::equals).orElse(false)) {
      return Future.failedFuture(stateInvalid());
    }
    return tenant.withDatabase(db -> states.consume(db, Pkce.sha256(state)))
        .map(pending -> pending.orElseThrow(AuthorizationFlow::stateInvalid));
  }

  /** CompleteAuthorization: consume the state, then finish. */
  public Future<ConnectionRecord> complete(Tenant tenant, String state, String code) {
    return consume(tenant, state).compose(pending -> finish(tenant, pending, code));
  }

  /** Exchanges the code, names the mailbox, and stores (or re-activates) the connection with encrypted tokens. */
  public Future<ConnectionRecord> finish(Tenant tenant, AuthorizationStates.Pending pending, String code) {
    OAuthClients.Client client = clients.of(tenant.config(), pending.provider());
    Oauth2Credentials exchange = new Oauth2Credentials()
        .setFlow(OAuth2FlowType.AUTH_CODE)
        .setCode(code)
        .setRedirectUri(client.config().redirectUri())
        .setCodeVerifier(pending.codeVerifier());
    return ProviderCalls.traced(pending.provider().key(), "oauth.exchangeCode",
            () -> clients.bounded(client.auth().authenticate(exchange)))
        .recover(failure -> Future.failedFuture(failure instanceof GatewayException known ? known
            : AccessTokens.isInvalidGrant(failure)
            ? new GatewayException(Reason.AUTHORIZATION_STATE_INVALID, "the provider refused the authorization code")
            : GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, "the provider's token endpoint failed",
                Duration.ofSeconds(5), null)))
        .compose(user -> {
          JsonObject tokens = user.principal();
          String access = tokens.getString("access_token");
          return profiles.fetch(client.signIn(), access).compose(profile -> {
            if (!profile.authorized() || profile.emailAddress().isEmpty()) {
              return Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
                  "the provider did not name the mailbox", Duration.ofSeconds(5), null));
            }
            return store(tenant, pending, profile.emailAddress(), tokens, client.endpoints().scopes());
          });
        });
  }

  private Future<ConnectionRecord> store(Tenant tenant, AuthorizationStates.Pending pending, String email,
      JsonObject tokens, List<String> requestedScopes) {
    String granted = tokens.getString("scope", "");
    List<String> scopes = granted.isBlank() ? requestedScopes : Arrays.asList(granted.trim().split("\\s+"));
    Instant expires = Instant.now().plusSeconds(tokens.getLong("expires_in", 3600L));
    // A connection that needed re-authorization and is ACTIVE again gets CONNECTION_STATE_CHANGED, in this transaction.
    return tenant.cipher().compose(cipher -> tenant.withTransaction(tx ->
        changes.before(tx, pending.userId(), pending.provider(), email).compose(before ->
        credentials.upsertAuthorized(tx, pending.userId(), pending.provider(), email, scopes).compose(id -> {
          String refresh = tokens.getString("refresh_token");
          return credentials.save(tx, id, cipher.encrypt(id, SecretField.ACCESS_TOKEN, tokens.getString("access_token")),
                  refresh == null ? null : cipher.encrypt(id, SecretField.REFRESH_TOKEN, refresh), expires)
              .compose(saved -> changes.authorized(tx, id, before))
              .compose(recorded -> connections.getOwned(tx, pending.userId(), id.toString()));
        }))).onSuccess(connection -> changes.committed(tenant)));
  }

  private static boolean allowed(Tenant tenant, String returnUrl) {
    try {
      URI uri = URI.create(returnUrl);
      String withoutQuery = new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), null, null).toString();
      return uri.getFragment() == null
          && (tenant.config().allowedReturnUrls().contains(returnUrl) || tenant.config().allowedReturnUrls().contains(withoutQuery));
    } catch (Exception malformed) {
      return false;
    }
  }

  static GatewayException stateInvalid() {
    return new GatewayException(Reason.AUTHORIZATION_STATE_INVALID,
        "the authorization state is unknown, expired, already used, or not this tenant's");
  }
}
