package dev.mailgate.server.dev;

import dev.mailgate.server.oauth.OAuthEndpoints;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.sandbox.LocalEndpoints;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.store.ProviderKind;

/**
 * The gateway's OAuth configuration pointed at the local providers: Google's and Microsoft's
 * scopes and parameters, every URL on loopback (the sandbox knows nothing of the gateway, so the
 * mapping lives here, on dev mode's side).
 */
final class LocalOAuth {

  private LocalOAuth() {}

  static OAuthProviders endpoints(LocalProviders providers) {
    return OAuthProviders.defaults()
        .with(ProviderKind.GMAIL, at(OAuthEndpoints.google(), providers.google()))
        .with(ProviderKind.OUTLOOK, at(OAuthEndpoints.microsoft(), providers.microsoft()));
  }

  private static OAuthEndpoints at(OAuthEndpoints provider, LocalEndpoints local) {
    return provider.at(local.authorizationUrl(), local.tokenUrl(), local.revocationUrl(), local.profileUrl());
  }
}
