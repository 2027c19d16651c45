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
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.PushChannel;
import dev.mailgate.server.watch.WatchPolicy;
import io.vertx.core.Future;
import java.util.Optional;

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
  private final GraphChangeFeed changes;
  private final GraphPushChannel push;

  /** Outlook without push (no public URL): its change feed is polled. */
  public OutlookProviderModule(OAuthSignIn signIn, ProfileClient profiles, OutlookProvider mail) {
    this(signIn, profiles, mail, WatchPolicy.DEFAULT);
  }

  /** Outlook with a change feed, and push when {@code watch} has a public URL. */
  public OutlookProviderModule(OAuthSignIn signIn, ProfileClient profiles, OutlookProvider mail, WatchPolicy watch) {
    this.signIn = signIn;
    this.profiles = profiles;
    this.mail = mail;
    this.changes = new GraphChangeFeed(mail);
    this.push = new GraphPushChannel(mail, watch);
  }

  /** The module as the gateway's options configure it. */
  public static OutlookProviderModule create(ProviderContext context) {
    GatewayOptions options = context.options();
    return new OutlookProviderModule(signIn(options.oauth()), context.profiles(), new OutlookProvider(context.vertx(),
        context.http(), options.graphRootUrl(), options.timeouts(), options.bounds()), options.watch());
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

  /** The change feed ({@link GraphChangeFeed}) and push ({@link GraphPushChannel}). */
  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == ChangeFeed.class) {
      return Optional.of(type.cast(changes));
    }
    if (type == PushChannel.class) {
      return Optional.of(type.cast(push));
    }
    return Optional.empty();
  }
}
