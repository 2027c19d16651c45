package dev.mailgate.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.tenant.TenantRegistry;
import dev.mailgate.tenant.config.ApiKey;
import dev.mailgate.tenant.config.ApiKeys;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.server.agent.AgentTokenFormat;
import dev.mailgate.server.agent.AgentTokens;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The one place that decides who is calling. It rejects by default: a call passes only with an
 * {@code x-tenant-id} naming a known tenant and a bearer API key whose SHA-256 matches one of
 * that tenant's key hashes (compared in constant time). A key that matches one of the tenant's
 * dashboard key hashes instead makes a {@linkplain Caller#dashboard dashboard caller}, which
 * {@code RpcBinder} lets read reports only. An unknown tenant and a wrong key (API or dashboard)
 * give the same answer, so tenant ids cannot be probed. A call from a browser page (one with an
 * {@code Origin} header) must also come from an origin on that tenant's {@code allowed_origins},
 * else it is refused with PERMISSION_DENIED; this is checked after the key, so it tells nothing
 * to a caller without one.
 *
 * <p>Keys that matched are remembered (per tenant and key, at most {@code cacheEntries} pairs, each
 * for at most {@code cacheExpiry}; the least used go first), so a busy client is not hashed on
 * every call. Only successes are remembered: a stream of wrong keys cannot grow the memory, and
 * every wrong key still goes through the hash and constant-time comparison.
 */
public final class CallerResolver {

  private static final String BEARER = "bearer ";
  private static final byte[] NO_KEY = new byte[32];

  private final TenantRegistry tenants;
  private final Cache<String, KeyMatch> verified;
  private final AgentTokens agentTokens;

  public CallerResolver(TenantRegistry tenants, AgentTokens agentTokens, MemoryBounds bounds) {
    this.tenants = tenants;
    this.agentTokens = agentTokens;
    this.verified = Caffeine.newBuilder()
        .maximumSize(bounds.cacheEntries())
        .expireAfterWrite(bounds.cacheExpiry())
        .build();
  }

  /**
   * Resolves the caller, or fails with a {@link GatewayException} with an UNAUTHENTICATED reason.
   * A bearer credential shaped like an agent token ({@code mga_<tenant>_...}) is verified against
   * the hashes in its tenant's database ({@link #resolveAgent}); anything else is an API key.
   */
  public Future<Caller> resolve(MultiMap headers, String requestId) {
    String authorization = trimmed(headers.get(Metadata.AUTHORIZATION));
    if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && AgentTokenFormat.looksLikeAgentToken(authorization.substring(BEARER.length()).trim())) {
      return resolveAgent(authorization.substring(BEARER.length()).trim(),
          trimmed(headers.get(Metadata.TENANT_ID)), requestId);
    }
    try {
      return Future.succeededFuture(resolveApiKey(headers, requestId));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Resolves an agent token: the tenant it names (which must match {@code x-tenant-id} if that is
   * sent) must exist and hold the token's hash, neither expired nor revoked. Every failure is the
   * same AGENT_TOKEN_INVALID. Nothing is remembered, so a revocation counts from the next call.
   */
  public Future<Caller> resolveAgent(String token, String tenantHeader, String requestId) {
    Optional<Tenant> tenant = AgentTokenFormat.tenantOf(token)
        .filter(named -> tenantHeader.isEmpty() || tenantHeader.equals(named))
        .flatMap(tenants::find);
    if (tenant.isEmpty()) {
      return Future.failedFuture(invalidAgentToken());
    }
    return agentTokens.verify(tenant.get(), token).map(grant -> new Caller(tenant.get(), requestId,
        grant.orElseThrow(CallerResolver::invalidAgentToken)));
  }

  private static GatewayException invalidAgentToken() {
    return new GatewayException(Reason.AGENT_TOKEN_INVALID, "invalid, expired or revoked agent token");
  }

  private Caller resolveApiKey(MultiMap headers, String requestId) {
    String tenantId = trimmed(headers.get(Metadata.TENANT_ID));
    if (tenantId.isEmpty()) {
      throw new GatewayException(Reason.TENANT_MISSING, "missing x-tenant-id metadata");
    }
    String authorization = trimmed(headers.get(Metadata.AUTHORIZATION));
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.substring(BEARER.length()).isBlank()) {
      throw new GatewayException(Reason.API_KEY_MISSING,
          "missing authorization metadata: expected 'Bearer <api key>'");
    }
    String key = authorization.substring(BEARER.length()).trim();
    // Only well-formed tenant ids that matched a key are remembered, so a hit needs no other check.
    KeyMatch remembered = verified.getIfPresent(tenantId + '\n' + key);
    if (remembered != null) {
      return remembered.caller(fromAllowedOrigin(remembered.tenant(), headers), requestId);
    }
    boolean wellFormed = TenantConfig.TENANT_ID.matcher(tenantId).matches();
    byte[] presented = ApiKeys.sha256(key);
    Optional<Tenant> tenant = wellFormed ? tenants.find(tenantId) : Optional.empty();
    TenantConfig config = tenant.map(t -> t.config()).orElse(null);
    Optional<String> apiKey = matchingKey(config == null ? null : config.apiKeys(), presented);
    Optional<String> dashboardKey = matchingKey(config == null ? null : config.dashboardKeys(), presented);
    if (tenant.isEmpty() || (apiKey.isEmpty() && dashboardKey.isEmpty())) {
      throw new GatewayException(Reason.API_KEY_INVALID, "invalid tenant or API key");
    }
    // A tenant file never holds one hash in both lists, so a match is one or the other.
    KeyMatch match = apiKey.map(name -> new KeyMatch(tenant.get(), name, false))
        .orElseGet(() -> new KeyMatch(tenant.get(), dashboardKey.orElseThrow(), true));
    verified.put(tenantId + '\n' + key, match);
    return match.caller(fromAllowedOrigin(tenant.get(), headers), requestId);
  }

  /** A tenant and the name of its key that a presented key matched: an API key, or a dashboard key. */
  private record KeyMatch(Tenant tenant, String keyName, boolean dashboard) {
    Caller caller(Tenant allowed, String requestId) {
      return dashboard ? Caller.dashboard(allowed, requestId, keyName) : new Caller(allowed, requestId, keyName);
    }
  }

  /** The tenant, if the call carries no {@code Origin} or one on the tenant's allowed origins. */
  private static Tenant fromAllowedOrigin(Tenant tenant, MultiMap headers) {
    String origin = headers.get(Metadata.ORIGIN);
    if (origin != null && !tenant.config().allowedOrigins().contains(origin)) {
      throw new GatewayException(Reason.ORIGIN_NOT_ALLOWED,
          "this tenant's allowed_origins does not list the origin of the calling page");
    }
    return tenant;
  }

  /**
   * The name of the key that matches, compared against every one of the keys (or a dummy when
   * there is no tenant) without early exit.
   */
  private static Optional<String> matchingKey(List<ApiKey> keys, byte[] presented) {
    if (keys == null) {
      MessageDigest.isEqual(NO_KEY, presented);
      return Optional.empty();
    }
    String match = null;
    for (ApiKey key : keys) {
      if (MessageDigest.isEqual(key.sha256(), presented)) {
        match = key.name();
      }
    }
    return Optional.ofNullable(match);
  }

  private static String trimmed(String value) {
    return value == null ? "" : value.trim();
  }
}
