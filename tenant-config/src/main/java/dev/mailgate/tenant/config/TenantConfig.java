package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Collections.unmodifiableMap;

/**
 * One tenant's configuration, as loaded and validated from its YAML file. Immutable.
 *
 * @param id                tenant id; matches {@link #TENANT_ID} and equals the file name without extension
 * @param database          where the tenant's data lives
 * @param apiKeys           SHA-256 hashes of the API keys that act for this tenant; at least one
 * @param oauthClients      OAuth client registration per mail provider; may be empty
 * @param allowedReturnUrls absolute http(s) URLs the OAuth flow may redirect back to after connecting
 * @param tokenKeysetFile   keyset that encrypts this tenant's stored OAuth tokens, if it has its own
 * @param rateLimits        request limits for this tenant; empty = not limited
 * @param source            the YAML file this configuration came from
 * @param egress            address blocks this tenant's connections may reach beyond the gateway's default
 * @param events            how long the tenant's mailbox events are kept
 * @param allowedOrigins    web origins whose pages may call the gateway from a browser (gRPC-Web
 *                          with CORS), each in {@link BrowserOrigin#canonical canonical form}; empty = none
 * @param dashboardKeys     SHA-256 hashes of the keys that sign in to the tenant's dashboard, which
 *                          may only read reports; hashed like API keys, never equal to one; may be empty
 * @param audit             how long the tenant's audit trail is kept
 */
public record TenantConfig(String id, DatabaseConfig database, List<ApiKey> apiKeys,
    Map<OAuthProvider, OAuthClientConfig> oauthClients, List<String> allowedReturnUrls,
    Optional<Path> tokenKeysetFile, Optional<RateLimits> rateLimits, Path source, EgressConfig egress,
    EventsConfig events, List<String> allowedOrigins, List<ApiKey> dashboardKeys, AuditConfig audit) {

  /** What a tenant id looks like: lowercase letters, digits and '-', 1 to 63 characters. */
  public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public TenantConfig {
    Objects.requireNonNull(id, "id");
    if (!TENANT_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid tenant id: " + id);
    }
    Objects.requireNonNull(database, "database");
    apiKeys = List.copyOf(apiKeys);
    EnumMap<OAuthProvider, OAuthClientConfig> clients = new EnumMap<>(OAuthProvider.class);
    clients.putAll(oauthClients);
    oauthClients = unmodifiableMap(clients);
    allowedReturnUrls = List.copyOf(allowedReturnUrls);
    Objects.requireNonNull(tokenKeysetFile, "tokenKeysetFile");
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(events, "events");
    allowedOrigins = List.copyOf(allowedOrigins);
    dashboardKeys = List.copyOf(dashboardKeys);
    Objects.requireNonNull(audit, "audit");
  }

  /** A tenant without dashboard keys, whose audit trail is kept {@link AuditConfig#DEFAULT_RETENTION_DAYS} days. */
  public TenantConfig(String id, DatabaseConfig database, List<ApiKey> apiKeys,
      Map<OAuthProvider, OAuthClientConfig> oauthClients, List<String> allowedReturnUrls,
      Optional<Path> tokenKeysetFile, Optional<RateLimits> rateLimits, Path source, EgressConfig egress,
      EventsConfig events, List<String> allowedOrigins) {
    this(id, database, apiKeys, oauthClients, allowedReturnUrls, tokenKeysetFile, rateLimits, source, egress,
        events, allowedOrigins, List.of(), AuditConfig.defaults());
  }

  /** A tenant no browser page may call. */
  public TenantConfig(String id, DatabaseConfig database, List<ApiKey> apiKeys,
      Map<OAuthProvider, OAuthClientConfig> oauthClients, List<String> allowedReturnUrls,
      Optional<Path> tokenKeysetFile, Optional<RateLimits> rateLimits, Path source, EgressConfig egress,
      EventsConfig events) {
    this(id, database, apiKeys, oauthClients, allowedReturnUrls, tokenKeysetFile, rateLimits, source, egress,
        events, List.of());
  }

  /** This tenant with {@code origins} (canonical, see {@link BrowserOrigin}) added to its allowed origins. */
  public TenantConfig withAllowedOrigins(List<String> origins) {
    LinkedHashSet<String> all = new LinkedHashSet<>(allowedOrigins);
    origins.forEach(origin -> all.add(BrowserOrigin.canonical(origin)));
    return new TenantConfig(id, database, apiKeys, oauthClients, allowedReturnUrls, tokenKeysetFile, rateLimits,
        source, egress, events, List.copyOf(all), dashboardKeys, audit);
  }

  /** A tenant with the default event retention. */
  public TenantConfig(String id, DatabaseConfig database, List<ApiKey> apiKeys,
      Map<OAuthProvider, OAuthClientConfig> oauthClients, List<String> allowedReturnUrls,
      Optional<Path> tokenKeysetFile, Optional<RateLimits> rateLimits, Path source, EgressConfig egress) {
    this(id, database, apiKeys, oauthClients, allowedReturnUrls, tokenKeysetFile, rateLimits, source, egress,
        EventsConfig.defaults());
  }

  /** A tenant without egress exceptions. */
  public TenantConfig(String id, DatabaseConfig database, List<ApiKey> apiKeys,
      Map<OAuthProvider, OAuthClientConfig> oauthClients, List<String> allowedReturnUrls,
      Optional<Path> tokenKeysetFile, Optional<RateLimits> rateLimits, Path source) {
    this(id, database, apiKeys, oauthClients, allowedReturnUrls, tokenKeysetFile, rateLimits, source,
        EgressConfig.none());
  }
}
