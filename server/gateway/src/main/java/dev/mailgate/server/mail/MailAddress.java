package dev.mailgate.server.mail;

/** One mailbox in an address header: the address and an optional display name. */
public record MailAddress(String address, String name) {

  public static MailAddress of(String address) {
    return new MailAddress(address, "");
  }
}
