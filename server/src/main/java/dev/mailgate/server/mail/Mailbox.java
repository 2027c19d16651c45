package dev.mailgate.server.mail;

import dev.mailgate.tenant.config.EgressConfig;
import java.util.Map;

/**
 * How a provider reaches one connection's mailbox: its address, a current credential (an OAuth
 * access token; for IMAP, the password) and the provider settings stored with the connection
 * (for IMAP, hosts, ports and username; never secrets), and where the tenant lets its connections
 * reach beyond the gateway's egress policy. Never logged; never leaves the gateway.
 */
public record Mailbox(String emailAddress, String credential, Map<String, String> settings, EgressConfig egress) {

  public Mailbox {
    settings = Map.copyOf(settings);
  }

  public Mailbox(String emailAddress, String credential, Map<String, String> settings) {
    this(emailAddress, credential, settings, EgressConfig.none());
  }

  public Mailbox(String emailAddress, String credential) {
    this(emailAddress, credential, Map.of(), EgressConfig.none());
  }

  @Override
  public String toString() {
    return "Mailbox[" + emailAddress + "]";
  }
}
