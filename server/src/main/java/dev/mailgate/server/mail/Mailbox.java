package dev.mailgate.server.mail;

import dev.mailgate.tenant.config.EgressConfig;
import java.util.Map;

/**
 * How a provider reaches one connection's mailbox: its address, a current credential (an OAuth
 * access token; for IMAP, the password), the provider settings stored with the connection (for
 * IMAP, hosts, ports and username; never secrets), the key of the connection it belongs to
 * ({@code tenant/connection id}: what per-connection caches are keyed by, so that nothing cached
 * for one tenant serves another) and where the tenant lets its connections reach beyond the
 * gateway's egress policy. Never logged; never leaves the gateway.
 */
public record Mailbox(String emailAddress, String credential, Map<String, String> settings, String connectionKey,
    EgressConfig egress) {

  public Mailbox {
    settings = Map.copyOf(settings);
  }

  /** A mailbox outside any tenant's connection (provider tests): keyed by its address alone. */
  public Mailbox(String emailAddress, String credential, Map<String, String> settings) {
    this(emailAddress, credential, settings, "-/" + emailAddress, EgressConfig.none());
  }

  public Mailbox(String emailAddress, String credential) {
    this(emailAddress, credential, Map.of());
  }

  @Override
  public String toString() {
    return "Mailbox[" + emailAddress + "]";
  }
}
