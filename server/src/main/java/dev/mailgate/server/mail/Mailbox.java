package dev.mailgate.server.mail;

import java.util.Map;

/**
 * How a provider reaches one connection's mailbox: its address, a current credential (an OAuth
 * access token; for IMAP, the password) and the provider settings stored with the connection
 * (for IMAP, hosts, ports and username; never secrets). Never logged; never leaves the gateway.
 */
public record Mailbox(String emailAddress, String credential, Map<String, String> settings) {

  public Mailbox {
    settings = Map.copyOf(settings);
  }

  public Mailbox(String emailAddress, String credential) {
    this(emailAddress, credential, Map.of());
  }

  @Override
  public String toString() {
    return "Mailbox[" + emailAddress + "]";
  }
}
