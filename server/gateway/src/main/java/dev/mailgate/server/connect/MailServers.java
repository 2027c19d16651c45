package dev.mailgate.server.connect;

/**
 * Where a password mailbox's IMAP and SMTP servers live and who logs in, as CreateImapConnection
 * gives them: the non-secret part of an IMAP connection, in the connections feature's own terms.
 *
 * @param username the login name; empty means the mailbox address
 */
public record MailServers(String imapHost, int imapPort, Security imapSecurity, String smtpHost, int smtpPort,
    Security smtpSecurity, String username) {

  /** How a connection to the IMAP or SMTP server is secured. */
  public enum Security {
    /** Implicit TLS from the first byte (IMAPS 993, SMTPS 465). */
    SSL_TLS,
    /** A plain connection upgraded with STARTTLS, which is required (IMAP 143, submission 587). */
    STARTTLS,
    /** No encryption; only for servers on a trusted network. */
    NONE
  }
}
