package dev.mailgate.server.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where one provider's stand-ins listen on loopback: the local OAuth server's endpoints for its
 * issuer, and the sandbox call that names the signed-in mailbox. Dev mode and tests hand them to
 * the gateway as {@code serve --oauth-endpoint} would ({@link #asOAuthEndpoints}); the sandbox
 * itself knows nothing of the gateway.
 *
 * @param authorizationUrl where the browser is sent to sign in
 * @param tokenUrl where codes and refresh tokens are exchanged
 * @param revocationUrl where a grant is revoked (Microsoft has none)
 * @param profileUrl the sandbox call that names the mailbox (Gmail users.getProfile, Graph /me)
 */
public record LocalEndpoints(String authorizationUrl, String tokenUrl, Optional<String> revocationUrl,
    String profileUrl) {

  /** These endpoints keyed {@code PROVIDER.ENDPOINT}, the format of {@code mailgate serve --oauth-endpoint}. */
  public Map<String, String> asOAuthEndpoints(String provider) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put(provider + ".authorization", authorizationUrl);
    endpoints.put(provider + ".token", tokenUrl);
    revocationUrl.ifPresent(url -> endpoints.put(provider + ".revocation", url));
    endpoints.put(provider + ".profile", profileUrl);
    return endpoints;
  }
}
