package dev.mailgate.server.provider;

import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Everything the gateway knows about one kind of mailbox, in the provider's own package: its
 * kind, how its connections authenticate and renew their credentials, how it names the mailbox a
 * credential opens, its mail operations, and optional capabilities. The {@link ProviderRegistry}
 * holds one module per kind; nothing outside the provider's package branches on its kind.
 */
public interface ProviderModule {

  /** The kind, as connections store it. */
  ProviderKind kind();

  /** OAuth (with its endpoints and scopes) or a password; also says how credentials are renewed. */
  Authentication authentication();

  /**
   * The address of the mailbox that {@code mailbox}'s credential opens: for OAuth the provider's
   * profile call names it; for a password, a login with the mailbox's settings proves the address
   * the user gave. A refused credential fails with
   * {@link dev.mailgate.server.mail.ProviderUnauthorizedException}. Never blocks the caller.
   */
  Future<String> mailboxAddress(MailboxCredential mailbox);

  /** The mail operations (search, read, send, drafts, labels). */
  MailProvider mail();

  /**
   * An optional capability of this provider, looked up by type; empty when the provider does not
   * have it. No capability is defined yet: the mailbox change feed plugs in here.
   */
  default <T> Optional<T> capability(Class<T> type) {
    return Optional.empty();
  }
}
