package dev.mailgate.server.provider.gmail;

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
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gmail: connects through Google's OAuth (the tenant's {@code oauth_clients.gmail}), names the
 * mailbox with {@code users.getProfile}, and reads and sends through the Gmail API
 * ({@link GmailProvider}); its mailboxes' changes through {@code users.history.list}
 * ({@link GmailChangeFeed}) and Pub/Sub pushes ({@link GmailPushChannel}).
 */
public final class GmailProviderModule implements ProviderModule {

  public static final ProviderKind KIND = ProviderKind.GMAIL;
  private static final Logger log = LoggerFactory.getLogger(GmailProviderModule.class);

  private final OAuthSignIn signIn;
  private final ProfileClient profiles;
  private final GmailProvider mail;
  private final GmailChangeFeed changes;
  private final GmailPushChannel pushes;

  public GmailProviderModule(OAuthSignIn signIn, ProfileClient profiles, GmailProvider mail, GmailChangeFeed changes,
      GmailPushChannel pushes) {
    this.signIn = signIn;
    this.profiles = profiles;
    this.mail = mail;
    this.changes = changes;
    this.pushes = pushes;
  }

  /** The module as the gateway's options configure it. */
  public static GmailProviderModule create(ProviderContext context) {
    GatewayOptions options = context.options();
    GmailProvider mail = new GmailProvider(context.vertx(), options.gmailRootUrl(), options.providerThreads(),
        options.bounds().providerQueue(), options.timeouts());
    if (options.watch().publicUrl().isPresent() && options.watch().gmailTopic().isPresent()
        && options.watch().gmailPushServiceAccount().isEmpty()) {
      log.warn("Gmail push is off: a Pub/Sub topic is set but no --gmail-push-service-account to check its pushes'"
          + " tokens against; Gmail connections are polled");
    }
    return new GmailProviderModule(signIn(options.oauth()), context.profiles(), mail, new GmailChangeFeed(mail),
        new GmailPushChannel(context.vertx(), options.watch(), mail));
  }

  /** Google's endpoints and Gmail's scopes, with the configured changes; the profile names the mailbox in {@code emailAddress}. */
  public static OAuthSignIn signIn(OAuthProviders configured) {
    return new OAuthSignIn(KIND, OAuthProvider.GMAIL,
        configured.endpointsOf(KIND, OAuthProvider.GMAIL, OAuthEndpoints.google()),
        profile -> profile.getString("emailAddress", ""));
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

  /** {@link ChangeFeed} ({@link GmailChangeFeed}) and {@link PushChannel} ({@link GmailPushChannel}). */
  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == ChangeFeed.class) {
      return Optional.of(type.cast(changes));
    }
    if (type == PushChannel.class) {
      return Optional.of(type.cast(pushes));
    }
    return Optional.empty();
  }
}
