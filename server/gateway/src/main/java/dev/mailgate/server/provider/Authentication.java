package dev.mailgate.server.provider;

import dev.mailgate.server.oauth.OAuthSignIn;

/**
 * How a provider's connections authenticate, which also says how their credentials are renewed.
 * There are two ways; a new provider picks one.
 */
public sealed interface Authentication {

  /**
   * The OAuth authorization-code flow (StartAuthorization, CompleteAuthorization) with the
   * tenant's OAuth client for this provider. The credential is an access token, renewed with the
   * refresh token near its expiry and once after the provider refuses it; a refused refresh marks
   * the connection NEEDS_REAUTH.
   *
   * @param signIn the client key, endpoints, scopes and profile reading of the provider
   */
  record OAuth(OAuthSignIn signIn) implements Authentication {}

  /**
   * A password the user gives with the server settings, proven by a login before anything is
   * stored (CreateImapConnection). The credential is the stored password; it cannot be renewed:
   * once refused, the user must connect again.
   */
  record Password() implements Authentication {}
}
