package dev.mailgate.server.mail;

import dev.mailgate.tenant.config.EgressConfig;
import java.util.Map;

/**
 * A credential handle for one connection's mailbox, as a provider call gets it: the mailbox
 * address, the credential resolved for this call ({@link #credential()}: an OAuth access token,
 * or the password), the {@link CredentialSource} it came from (to renew it after a refusal: see
 * {@link CredentialSource} for who may call it where), the provider settings stored with the
 * connection (for IMAP, hosts, ports and username; never secrets), the key of the connection it
 * belongs to ({@code tenant/connection id}: what per-connection caches are keyed by, so that
 * nothing cached for one tenant serves another) and where the tenant lets its connections reach
 * beyond the gateway's egress policy. Never logged; never leaves the gateway.
 */
public record MailboxCredential(String emailAddress, String credential, CredentialSource credentials,
    Map<String, String> settings, String connectionKey, EgressConfig egress) {

  public MailboxCredential {
    settings = Map.copyOf(settings);
  }

  /** A mailbox outside any tenant's connection (provider tests): a fixed credential, keyed by its address alone. */
  public MailboxCredential(String emailAddress, String credential, Map<String, String> settings) {
    this(emailAddress, credential, CredentialSource.fixed(credential), settings, "-/" + emailAddress,
        EgressConfig.none());
  }

  public MailboxCredential(String emailAddress, String credential) {
    this(emailAddress, credential, Map.of());
  }

  /** The same mailbox with another credential from its source (after a renewal). */
  public MailboxCredential withCredential(String renewed) {
    return new MailboxCredential(emailAddress, renewed, credentials, settings, connectionKey, egress);
  }

  @Override
  public String toString() {
    return "MailboxCredential[" + emailAddress + "]";
  }
}
