package dev.mailgate.server.provider;

import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.oauth.OAuthSignIn;
import dev.mailgate.server.oauth.ProfileClient;
import io.vertx.core.Future;

/** How an OAuth provider module names a mailbox: its profile call with the mailbox's access token. */
public final class OAuthMailboxes {

  private OAuthMailboxes() {}

  /** The address the profile names; a refused token fails with {@link ProviderUnauthorizedException}. */
  public static Future<String> address(ProfileClient profiles, OAuthSignIn signIn, MailboxCredential mailbox) {
    return profiles.fetch(signIn, mailbox.credential()).compose(profile -> profile.authorized()
        ? Future.succeededFuture(profile.emailAddress())
        : Future.failedFuture(new ProviderUnauthorizedException()));
  }
}
