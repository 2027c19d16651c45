package dev.mailgate.server.mail;

/**
 * How a provider reaches one connection's mailbox: its address and a current access token (for
 * IMAP, the password). Never logged; never leaves the gateway.
 */
public record Mailbox(String emailAddress, String credential) {

  @Override
  public String toString() {
    return "Mailbox[" + emailAddress + "]";
  }
}
