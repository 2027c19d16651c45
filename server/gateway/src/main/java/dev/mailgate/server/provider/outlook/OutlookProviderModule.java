package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.oauth.OAuthEndpoints;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.oauth.OAuthSignIn;
import dev.mailgate.server.oauth.ProfileClient;
import dev.mailgate.server.provider.Authentication;
import dev.mailgate.server.provider.OAuthMailboxes;
import dev.mailgate.server.provider.ProviderContext;
import dev.mailgate.server.provider.ProviderModule;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.tenant.config.OAuthProvider;
import io.vertx.core.Future;

/**
 * Outlook: connects through Microsoft's OAuth (the tenant's {@code oauth_clients.outlook}), names
 * the mailbox with Graph {@code /me}, and reads and sends through Microsoft Graph
 * ({@link OutlookProvider}).
 */
public final class OutlookProviderModule implements ProviderModule {

  public static final ProviderKind KIND = ProviderKind.OUTLOOK;

  private final OAuthSignIn signIn;
  private final ProfileClient profiles;
  private final OutlookProvider mail;

  public OutlookProviderModule(OAuthSignIn signIn, ProfileClient profiles, OutlookProvider mail) {
    this.signIn = signIn;
    this.profiles = profiles;
    this.mail = mail;
  }

  /** The module as the gateway's options configure it. */
  public static OutlookProviderModule create(ProviderContext context) {
    GatewayOptions options = context.options();
    return new OutlookProviderModule(signIn(options.oauth()), context.profiles(), new OutlookProvider(context.vertx(),
        context.http(), options.graphRootUrl(), options.timeouts(), options.bounds()));
  }

  /**
   * Microsoft's endpoints and Graph's scopes, with the configured changes; the profile names the
   * mailbox in {@code mail}, else {@code userPrincipalName}.
   */
  public static OAuthSignIn signIn(OAuthProviders configured) {
    return new OAuthSignIn(KIND, OAuthProvider.OUTLOOK,
        configured.endpointsOf(KIND, OAuthProvider.OUTLOOK, OAuthEndpoints.microsoft()),
        profile -> profile.getString("mail", profile.getString("userPrincipalName", "")));
  }

  @Override
  public ProviderKind kind() {
    return KIND;
  }

  @Override
  public Authentication authentication() {
    return new Authentication.OAuth(signIn);
  }

  @Override
  public Future<String> mailboxAddress(MailboxCredential mailbox) {
    return OAuthMailboxes.address(profiles, signIn, mailbox);
  }

  @Override
  public MailProvider mail() {
    return mail;
  }
}
