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

  public Optional<OAuthEndpoints> of(ProviderKind provider) {
    return Optional.ofNullable(endpoints.get(provider));
  }
}
