package dev.mailgate.tenant.config;

import java.util.Objects;

/**
 * A tenant's OAuth client registration with one mail provider.
 *
 * @param clientId     client id issued by the provider
 * @param clientSecret client secret issued by the provider
 * @param redirectUri  absolute http(s) URI registered with the provider for the callback
 */
public record OAuthClientConfig(String clientId, Secret clientSecret, String redirectUri) {

  public OAuthClientConfig {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(redirectUri, "redirectUri");
  }
}
