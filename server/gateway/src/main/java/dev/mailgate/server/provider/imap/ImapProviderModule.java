package dev.mailgate.server.provider.imap;

import dev.mailgate.server.watch.MailboxIdle;
import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.provider.Authentication;
import dev.mailgate.server.provider.ProviderContext;
import dev.mailgate.server.provider.ProviderModule;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.watch.ChangeFeed;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;

/**
 * Any IMAP/SMTP mailbox: connects with a password and the server settings the user gives
 * (CreateImapConnection), proven by logging in to both servers; reads by IMAP and sends by SMTP
 * ({@link ImapProvider}).
 */
public final class ImapProviderModule implements ProviderModule {

  public static final ProviderKind KIND = ProviderKind.IMAP;
  /** How long a pooled, logged-in store stays open unused. */
  static final Duration STORE_IDLE_TIMEOUT = Duration.ofMinutes(5);

  private final ImapProvider mail;
  private final ImapChangeFeed feed;
  private final ImapIdleWatcher idle;

  public ImapProviderModule(ImapProvider mail) {
    this(mail, new ImapIdleWatcher(mail, ImapIdleWatcher.DEFAULT_MAX_IDLING, ImapIdleWatcher.DEFAULT_REISSUE));
  }

  public ImapProviderModule(ImapProvider mail, ImapIdleWatcher idle) {
    this.mail = mail;
    this.feed = new ImapChangeFeed(mail);
    this.idle = idle;
  }

  /** The module as the gateway's options configure it. */
  public static ImapProviderModule create(ProviderContext context) {
    GatewayOptions options = context.options();
    ImapProvider mail = new ImapProvider(context.vertx(), options.providerThreads(),
        options.bounds().providerQueue(), ImapProvider.MAX_POOLED_STORES, STORE_IDLE_TIMEOUT, options.timeouts(),
        options.egress());
    return new ImapProviderModule(mail,
        new ImapIdleWatcher(mail, options.watch().imapIdleMax(), ImapIdleWatcher.DEFAULT_REISSUE));
  }

  @Override
  public ProviderKind kind() {
    return KIND;
  }

  @Override
  public Authentication authentication() {
    return new Authentication.Password();
  }

  /** A login to the IMAP and SMTP servers with the mailbox's settings and password proves its address. */
  @Override
  public Future<String> mailboxAddress(MailboxCredential mailbox) {
    return mail.verifyLogin(ImapSettings.fromMap(mailbox.settings()), mailbox.emailAddress(), mailbox.credential(),
        mailbox.egress()).map(mailbox.emailAddress());
  }

  /**
   * The INBOX change feed ({@link ChangeFeed}, see {@link ImapChangeFeed}) and IDLE wake-ups
   * ({@link MailboxIdle}, see {@link ImapIdleWatcher}).
   */
  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (type == ChangeFeed.class) {
      return Optional.of(type.cast(feed));
    }
    if (type == MailboxIdle.class) {
      return Optional.of(type.cast(idle));
    }
    return Optional.empty();
  }

  /** The IMAP provider itself, for what only IMAP connections do (CreateImapConnection's host and login checks). */
  @Override
  public ImapProvider mail() {
    return mail;
  }
}
