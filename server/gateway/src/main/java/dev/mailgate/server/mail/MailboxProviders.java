package dev.mailgate.server.mail;

import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.tenant.Tenant;
import java.util.Optional;

/**
 * What the mail feature needs of the provider registry: the mail operations of a provider kind,
 * and the renewable credential of a connection. Implemented by the provider registry's
 * {@code ProviderCredentials}; kept here so that mail depends on no provider package.
 */
public interface MailboxProviders {

  /** The mail operations of the kind; empty for a kind this gateway has no provider module for. */
  Optional<MailProvider> operations(ProviderKind kind);

  /** Where the connection's credential comes from and how it is renewed (see {@link CredentialSource}). */
  CredentialSource credentials(Tenant tenant, ConnectionRecord connection);
}
