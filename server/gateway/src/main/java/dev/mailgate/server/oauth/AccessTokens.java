package dev.mailgate.server.oauth;

import dev.mailgate.server.tracing.ProviderCalls;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.CredentialSource;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.events.ConnectionStateChanges;
import dev.mailgate.server.store.StoredCredentials;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usable access tokens for connections. A token that expires within the margin is refreshed
 * first. Refreshing is single-flight twice over: concurrent callers in this process share one
 * refresh, and a row lock in the tenant database makes gateways on other machines wait and
 * re-read the stored result instead of refreshing again. A rotated refresh token is saved;
 * {@code invalid_grant} marks the connection NEEDS_REAUTH, after which no call reaches the provider.
 */
public final class AccessTokens {

  private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  /** Time for the refresh transaction's own statements, on top of the token call's total timeout. */
  private static final Duration DATABASE_MARGIN = Duration.ofSeconds(5);

  private final OAuthClients clients;
  private final CredentialStore credentials;
  private final ConnectionStateChanges states;
  private final Duration margin;
  /** The longest a refresh transaction waits for the row lock, or sits idle waiting on the token endpoint. */
  private final Duration transactionLimit;
  private final Map<String, Future<String>> refreshing = new ConcurrentHashMap<>();
  /**
   * Decrypted access tokens by tenant and connection, served only until they come within the
   * margin of expiry; bounded in size and age (see {@link MemoryBounds}).
   */
  private final Cache<String, Cached> decrypted;

  private record Cached(String token, Instant expires) {}

  /** Hears each call to a token endpoint: the provider, and ok, invalid_grant or failed (metrics). */
  private volatile java.util.function.BiConsumer<dev.mailgate.server.store.ProviderKind, String> refreshes =
      (provider, outcome) -> { };

  public AccessTokens(OAuthClients clients, CredentialStore credentials, ConnectionStateChanges states, Duration margin,
      OutboundTimeouts timeouts, MemoryBounds bounds) {
    this.decrypted = Caffeine.newBuilder()
        .maximumSize(bounds.cacheEntries())
        .expireAfterWrite(bounds.cacheExpiry())
        .build();
    this.clients = clients;
    this.credentials = credentials;
    this.states = states;
    this.margin = margin;
    this.transactionLimit = timeouts.total().plus(DATABASE_MARGIN);
  }

  /** Tells {@code listener} of every refresh this gateway makes at a token endpoint, and its outcome. */
  public void onRefresh(java.util.function.BiConsumer<dev.mailgate.server.store.ProviderKind, String> listener) {
    this.refreshes = listener;
  }

  /**
   * An access token valid for at least the margin, refreshing it if needed. Callers check the
   * connection's ownership and status first; the decrypted token is then served from memory
   * until it nears expiry (a provider 401 drops it).
   */
  public Future<String> get(Tenant tenant, UUID connectionId) {
    String key = tenant.id() + "/" + connectionId;
    Cached cached = decrypted.getIfPresent(key);
    if (cached != null && cached.expires().isAfter(Instant.now().plus(margin))) {
      return Future.succeededFuture(cached.token());
    }
    return tenant.withDatabase(db -> credentials.find(db, connectionId)).compose(found -> {
      StoredCredentials stored = found.orElseThrow(AccessTokens::gone);
      if (stored.status() != ConnectionStatus.ACTIVE) {
        return Future.failedFuture(needsReauth());
      }
      if (fresh(stored) && stored.accessToken().isPresent()) {
        return tenant.decrypt(connectionId, SecretField.ACCESS_TOKEN, stored.accessToken().get())
            .onSuccess(token -> decrypted.put(key, new Cached(token, stored.accessTokenExpireTime().orElseThrow())));
      }
      return refresh(tenant, connectionId, null);
    });
  }

  /** The connection's access tokens as a renewable credential: {@link #get} and {@link #refreshAfterRejection}. */
  public CredentialSource source(Tenant tenant, UUID connectionId) {
    return new CredentialSource() {
      @Override
      public Future<String> current() {
        return get(tenant, connectionId);
      }

      @Override
      public Future<String> renewedAfter(String rejected) {
        return refreshAfterRejection(tenant, connectionId, rejected);
      }
    };
  }

  /** Refreshes after the provider refused {@code rejected}, unless another caller already replaced it. */
  public Future<String> refreshAfterRejection(Tenant tenant, UUID connectionId, String rejected) {
    decrypted.invalidate(tenant.id() + "/" + connectionId);
    return refresh(tenant, connectionId, rejected);
  }

  private Future<String> refresh(Tenant tenant, UUID connectionId, String rejected) {
    String key = tenant.id() + "/" + connectionId;
    Promise<String> promise = Promise.promise();
    Future<String> inFlight = refreshing.putIfAbsent(key, promise.future());
    if (inFlight != null) {
      return inFlight;
    }
    tenant.cipher()
        .compose(cipher -> tenant.withBoundedTransaction(transactionLimit,
            tx -> refreshLocked(tx, tenant, cipher, connectionId, rejected)))
        .recover(AccessTokens::lockWaitedTooLong)
        .onSuccess(outcome -> {
          if (outcome.token() == null) {
            states.committed(tenant); // it may have marked the connection NEEDS_REAUTH
          }
        })
        .compose(outcome -> outcome.token() != null ? Future.succeededFuture(outcome.token())
            : Future.<String>failedFuture(outcome.failure()))
        // A secret that did not decrypt inside the transaction could not be marked there (its row was locked).
        .recover(failure -> Tenant.isUnreadableSecret(failure)
            ? tenant.markUnreadable(connectionId, "OAuth token").compose(v -> Future.failedFuture(failure))
            : Future.failedFuture(failure))
        .onComplete(done -> {
          refreshing.remove(key, promise.future());
          promise.handle(done);
        });
    return promise.future();
  }

  /** The result of a refresh transaction: a token, or a failure to report after the commit. */
  private record Outcome(String token, GatewayException failure) {}

  private Future<Outcome> refreshLocked(SqlClient tx, Tenant tenant, TokenCipher cipher, UUID id, String rejected) {
    return credentials.lock(tx, id).compose(found -> {
      StoredCredentials stored = found.orElseThrow(AccessTokens::gone);
      if (stored.status() != ConnectionStatus.ACTIVE) {
        return Future.succeededFuture(new Outcome(null, needsReauth()));
      }
      Future<String> current = stored.accessToken().isPresent()
          ? tenant.decrypt(id, SecretField.ACCESS_TOKEN, stored.accessToken().get())
          : Future.succeededFuture(null);
      return current.compose(access -> {
        boolean replacedMeanwhile = rejected != null && access != null && !access.equals(rejected);
        if (access != null && (replacedMeanwhile || (rejected == null && fresh(stored)))) {
          return Future.succeededFuture(new Outcome(access, null));
        }
        if (stored.refreshToken().isEmpty()) {
          return states.markNeedsReauth(tx, id).map(new Outcome(null, needsReauth()));
        }
        return tenant.decrypt(id, SecretField.REFRESH_TOKEN, stored.refreshToken().get())
            .compose(refreshToken -> callTokenEndpoint(tx, tenant, cipher, stored, refreshToken));
      });
    });
  }

  private Future<Outcome> callTokenEndpoint(SqlClient tx, Tenant tenant, TokenCipher cipher, StoredCredentials stored,
      String refreshToken) {
    UUID id = stored.connectionId();
    OAuthClients.Client client = clients.of(tenant.config(), stored.provider());
    // Bounded by the total outbound timeout: the row lock is held meanwhile.
    return ProviderCalls.traced(stored.provider().key(), "oauth.refresh",
            () -> clients.bounded(client.auth().refresh(User.create(new JsonObject().put("refresh_token", refreshToken)))))
        .compose(user -> {
          JsonObject principal = user.principal();
          String access = principal.getString("access_token");
          String rotated = principal.getString("refresh_token");
          Instant expires = Instant.now().plusSeconds(principal.getLong("expires_in", 3600L));
          refreshes.accept(stored.provider(), "ok");
          byte[] newRefresh = rotated == null || rotated.equals(refreshToken) ? null
              : cipher.encrypt(id, SecretField.REFRESH_TOKEN, rotated);
          return credentials.save(tx, id, cipher.encrypt(id, SecretField.ACCESS_TOKEN, access), newRefresh, expires)
              .map(new Outcome(access, null));
        }, failure -> {
          refreshes.accept(stored.provider(), isInvalidGrant(failure) ? "invalid_grant" : "failed");
          if (isInvalidGrant(failure)) {
            log.info("tenant={} connection={} refresh refused (invalid_grant): needs re-authorization", tenant.id(), id);
            return states.markNeedsReauth(tx, id).map(new Outcome(null, needsReauth()));
          }
          log.warn("tenant={} connection={} token refresh failed: {}", tenant.id(), id, failure.getClass().getSimpleName());
          return Future.succeededFuture(new Outcome(null, failure instanceof GatewayException timedOut ? timedOut
              : GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, "the provider's token endpoint failed",
                  RETRY_AFTER, null)));
        });
  }

  /** Another gateway held the row lock past the limit: its refresh is stuck, so this one is retryable too. */
  private static Future<Outcome> lockWaitedTooLong(Throwable failure) {
    if (failure instanceof PgException pg && Tenant.LOCK_NOT_AVAILABLE.equals(pg.getSqlState())) {
      return Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
          "another refresh of this connection's token did not finish in time", RETRY_AFTER, null));
    }
    return Future.failedFuture(failure);
  }

  private boolean fresh(StoredCredentials stored) {
    return stored.accessTokenExpireTime().map(expiry -> expiry.isAfter(Instant.now().plus(margin))).orElse(false);
  }

  /** vertx-auth-oauth2 reports an OAuth error body as "error: description". */
  static boolean isInvalidGrant(Throwable failure) {
    String message = failure.getMessage();
    return message != null && (message.startsWith("invalid_grant") || message.contains("invalid_grant:"));
  }

  static GatewayException needsReauth() {
    return new GatewayException(Reason.CONNECTION_NEEDS_REAUTH,
        "the provider refused the stored grant; the user must authorize this connection again");
  }

  private static GatewayException gone() {
    return new GatewayException(Reason.CONNECTION_NOT_FOUND, "connection not found");
  }

}
