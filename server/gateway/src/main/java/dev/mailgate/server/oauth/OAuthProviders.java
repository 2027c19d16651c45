package dev.mailgate.server.oauth;

import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.tenant.config.OAuthProvider;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Configured changes to the OAuth endpoints that provider modules declare (dev mode, tests, a
 * private OAuth proxy): whole replacements by provider kind, and single endpoints by tenant-file
 * client key. No change means every provider uses its module's own (the real Google and Microsoft)
 * endpoints; {@link #endpointsOf} applies the changes to a module's defaults.
 *
 * @param replacements endpoints that replace a provider's defaults entirely
 * @param endpointOverrides single endpoints keyed {@code <client key>.<endpoint>}
 */
public record OAuthProviders(Map<ProviderKind, OAuthEndpoints> replacements, Map<String, String> endpointOverrides) {

  private static final List<String> ENDPOINTS = List.of("authorization", "token", "revocation", "profile");

  public OAuthProviders {
    replacements = Map.copyOf(replacements);
    endpointOverrides = Map.copyOf(endpointOverrides);
  }

  /** No changes: every provider at its module's own endpoints. */
  public static OAuthProviders defaults() {
    return new OAuthProviders(Map.of(), Map.of());
  }

  /** These changes, with the provider's endpoints replaced entirely. */
  public OAuthProviders with(ProviderKind provider, OAuthEndpoints replacement) {
    Map<ProviderKind, OAuthEndpoints> copy = new HashMap<>(replacements);
    copy.put(provider, replacement);
    return new OAuthProviders(copy, endpointOverrides);
  }

  /**
   * Overrides single endpoints, keyed {@code <provider>.<endpoint>} with provider a tenant-file
   * OAuth client key ({@code gmail}, {@code outlook}) and endpoint {@code authorization},
   * {@code token}, {@code revocation} or {@code profile}; for example
   * {@code gmail.token=https://oauth2.example.internal/token}. Unknown keys are refused.
   */
  public OAuthProviders overriding(Map<String, String> overrides) {
    List<String> clients = Arrays.stream(OAuthProvider.values()).map(OAuthProvider::configKey).toList();
    Map<String, String> merged = new LinkedHashMap<>(endpointOverrides);
    for (Map.Entry<String, String> override : overrides.entrySet()) {
      String[] key = override.getKey().split("\\.", 2);
      if (!clients.contains(key[0])) {
        throw new IllegalArgumentException("unknown provider in " + override.getKey() + " ("
            + clients.stream().collect(Collectors.joining(" or ")) + ")");
      }
      if (key.length != 2 || !ENDPOINTS.contains(key[1])) {
        throw new IllegalArgumentException("unknown endpoint in " + override.getKey()
            + " (authorization, token, revocation or profile)");
      }
      merged.put(override.getKey(), override.getValue());
    }
    return new OAuthProviders(replacements, merged);
  }

  /** The replacement configured for a provider, if any. */
  public Optional<OAuthEndpoints> of(ProviderKind provider) {
    return Optional.ofNullable(replacements.get(provider));
  }

  /** A provider's endpoints with these changes applied to its module's {@code defaults}. */
  public OAuthEndpoints endpointsOf(ProviderKind provider, OAuthProvider client, OAuthEndpoints defaults) {
    OAuthEndpoints e = of(provider).orElse(defaults);
    String prefix = client.configKey() + ".";
    for (Map.Entry<String, String> override : endpointOverrides.entrySet()) {
      if (!override.getKey().startsWith(prefix)) {
        continue;
      }
      String url = override.getValue();
      e = switch (override.getKey().substring(prefix.length())) {
        case "authorization" -> e.at(url, e.tokenUrl(), e.revocationUrl(), e.profileUrl());
        case "token" -> e.at(e.authorizationUrl(), url, e.revocationUrl(), e.profileUrl());
        case "revocation" -> e.at(e.authorizationUrl(), e.tokenUrl(), Optional.of(url), e.profileUrl());
        default -> e.at(e.authorizationUrl(), e.tokenUrl(), e.revocationUrl(), url);
      };
    }
    return e;
  }
}
