package dev.mailgate.server.oauth;

import dev.mailgate.server.store.ProviderKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The OAuth endpoints of each provider that connects through OAuth (Gmail, Outlook). */
public record OAuthProviders(Map<ProviderKind, OAuthEndpoints> endpoints) {

  public OAuthProviders {
    endpoints = Map.copyOf(endpoints);
  }

  /** The real Google and Microsoft endpoints. */
  public static OAuthProviders defaults() {
    return new OAuthProviders(Map.of(ProviderKind.GMAIL, OAuthEndpoints.google(), ProviderKind.OUTLOOK, OAuthEndpoints.microsoft()));
  }

  public OAuthProviders with(ProviderKind provider, OAuthEndpoints replacement) {
    Map<ProviderKind, OAuthEndpoints> copy = new EnumMap<>(endpoints);
    copy.put(provider, replacement);
    return new OAuthProviders(copy);
  }

  /**
   * Overrides single endpoints, keyed {@code <provider>.<endpoint>} with provider {@code gmail} or
   * {@code outlook} and endpoint {@code authorization}, {@code token}, {@code revocation} or
   * {@code profile}; for example {@code gmail.token=https://oauth2.example.internal/token}.
   */
  public OAuthProviders overriding(Map<String, String> overrides) {
    OAuthProviders result = this;
    for (Map.Entry<String, String> override : overrides.entrySet()) {
      String[] key = override.getKey().split("\\.", 2);
      ProviderKind provider = switch (key[0]) {
        case "gmail" -> ProviderKind.GMAIL;
        case "outlook" -> ProviderKind.OUTLOOK;
        default -> throw new IllegalArgumentException("unknown provider in " + override.getKey() + " (gmail or outlook)");
      };
      OAuthEndpoints e = result.of(provider).orElseThrow();
      String url = override.getValue();
      OAuthEndpoints changed = switch (key.length == 2 ? key[1] : "") {
        case "authorization" -> e.at(url, e.tokenUrl(), e.revocationUrl(), e.profileUrl());
        case "token" -> e.at(e.authorizationUrl(), url, e.revocationUrl(), e.profileUrl());
        case "revocation" -> e.at(e.authorizationUrl(), e.tokenUrl(), Optional.of(url), e.profileUrl());
        case "profile" -> e.at(e.authorizationUrl(), e.tokenUrl(), e.revocationUrl(), url);
        default -> throw new IllegalArgumentException("unknown endpoint in " + override.getKey()
            + " (authorization, token, revocation or profile)");
      };
      result = result.with(provider, changed);
    }
    return result;
  }

  public Optional<OAuthEndpoints> of(ProviderKind provider) {
    return Optional.ofNullable(endpoints.get(provider));
  }
}
