package dev.mailgate.server.oauth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where one OAuth provider lives and what the gateway asks it for. The defaults are the real
 * Google and Microsoft endpoints; dev mode and tests point them at local servers.
 *
 * @param authorizationUrl where the user's browser is sent to consent
 * @param tokenUrl where codes and refresh tokens are exchanged
 * @param revocationUrl where a grant is revoked; Microsoft has none
 * @param profileUrl a cheap authenticated call that names the mailbox (Gmail users.getProfile, Graph /me)
 * @param scopes the scopes requested
 * @param authorizationParameters extra parameters of the authorization URL
 */
public record OAuthEndpoints(String authorizationUrl, String tokenUrl, Optional<String> revocationUrl,
    String profileUrl, List<String> scopes, Map<String, String> authorizationParameters) {

  public static OAuthEndpoints google() {
    return new OAuthEndpoints(
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        Optional.of("https://oauth2.googleapis.com/revoke"),
        "https://gmail.googleapis.com/gmail/v1/users/me/profile",
        List.of("openid", "email", "https://www.googleapis.com/auth/gmail.modify", "https://www.googleapis.com/auth/gmail.send"),
        Map.of("access_type", "offline", "prompt", "consent"));
  }

  public static OAuthEndpoints microsoft() {
    return new OAuthEndpoints(
        "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        Optional.empty(),
        "https://graph.microsoft.com/v1.0/me",
        List.of("openid", "offline_access", "User.Read", "Mail.ReadWrite", "Mail.Send"),
        Map.of());
  }

  /** The same scopes and parameters, with every URL on another server (dev mode, tests). */
  public OAuthEndpoints at(String authorizationUrl, String tokenUrl, Optional<String> revocationUrl, String profileUrl) {
    return new OAuthEndpoints(authorizationUrl, tokenUrl, revocationUrl, profileUrl, scopes, authorizationParameters);
  }
}
