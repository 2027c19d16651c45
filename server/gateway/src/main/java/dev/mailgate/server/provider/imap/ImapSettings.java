package dev.mailgate.server.provider.imap;

import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * Where an IMAP/SMTP mailbox lives and who logs in: the non-secret part of an IMAP connection,
 * stored as the connection's {@code settings} (see {@link #toMap()}) and handed back in
 * {@code MailboxCredential.settings()}. The password is never part of it.
 */
public record ImapSettings(String imapHost, int imapPort, Security imapSecurity, String smtpHost, int smtpPort,
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

  public static final String IMAP_HOST = "imap_host";
  public static final String IMAP_PORT = "imap_port";
  public static final String IMAP_SECURITY = "imap_security";
  public static final String SMTP_HOST = "smtp_host";
  public static final String SMTP_PORT = "smtp_port";
  public static final String SMTP_SECURITY = "smtp_security";
  public static final String USERNAME = "username";

  public ImapSettings {
    imapHost = imapHost == null ? "" : imapHost.trim();
    smtpHost = smtpHost == null ? "" : smtpHost.trim();
    username = username == null ? "" : username.trim();
    imapSecurity = imapSecurity == null ? Security.SSL_TLS : imapSecurity;
    smtpSecurity = smtpSecurity == null ? Security.SSL_TLS : smtpSecurity;
  }

  /** The settings as stored with the connection; keys are the constants of this class. */
  public Map<String, String> toMap() {
    return Map.of(IMAP_HOST, imapHost, IMAP_PORT, Integer.toString(imapPort), IMAP_SECURITY, imapSecurity.name(),
        SMTP_HOST, smtpHost, SMTP_PORT, Integer.toString(smtpPort), SMTP_SECURITY, smtpSecurity.name(),
        USERNAME, username);
  }

  /** The settings stored by {@link #toMap()}; a missing or malformed entry is an IllegalArgumentException. */
  public static ImapSettings fromMap(Map<String, String> map) {
    return new ImapSettings(required(map, IMAP_HOST), port(map, IMAP_PORT), security(map, IMAP_SECURITY),
        required(map, SMTP_HOST), port(map, SMTP_PORT), security(map, SMTP_SECURITY), map.getOrDefault(USERNAME, ""));
  }

  /** What is wrong with these settings, named by the CreateImapConnection fields; empty when usable. */
  public List<FieldViolation> violations() {
    List<FieldViolation> violations = new ArrayList<>();
    if (imapHost.isEmpty()) {
      violations.add(new FieldViolation(IMAP_HOST, "must not be empty"));
    }
    if (imapPort < 1 || imapPort > 65_535) {
      violations.add(new FieldViolation(IMAP_PORT, "must be a port number (1-65535)"));
    }
    if (smtpHost.isEmpty()) {
      violations.add(new FieldViolation(SMTP_HOST, "must not be empty"));
    }
    if (smtpPort < 1 || smtpPort > 65_535) {
      violations.add(new FieldViolation(SMTP_PORT, "must be a port number (1-65535)"));
    }
    return violations;
  }

  /** The login name: the username, or the mailbox address when no username was given. */
  String login(String emailAddress) {
    return username.isEmpty() ? emailAddress : username;
  }

  /**
   * Jakarta Mail properties for the IMAP store: TLS as configured, host names checked, every
   * connect, read and write bounded by the outbound timeouts, every connection made by
   * {@code sockets} (the egress guard) with no fallback to plain ones.
   */
  Properties imapProperties(int poolSize, long poolIdleMillis, OutboundTimeouts timeouts, SocketFactory sockets) {
    String protocol = imapSecurity == Security.SSL_TLS ? "imaps" : "imap";
    Properties props = new Properties();
    props.put("mail.store.protocol", protocol);
    String p = "mail." + protocol + ".";
    props.put(p + "connectiontimeout", Integer.toString(timeouts.connectMillis()));
    props.put(p + "timeout", Integer.toString(timeouts.totalMillis()));
    props.put(p + "writetimeout", Integer.toString(timeouts.totalMillis()));
    props.put(p + "executor.writetimeout", WriteTimeouts.SCHEDULER);
    props.put(p + "peek", "true");
    props.put(p + "fetchsize", Integer.toString(256 * 1024));
    props.put(p + "connectionpoolsize", Integer.toString(poolSize));
    props.put(p + "connectionpooltimeout", Long.toString(poolIdleMillis));
    props.put(p + "ssl.checkserveridentity", "true");
    guarded(props, p, sockets);
    if (imapSecurity == Security.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    return props;
  }

  String imapProtocol() {
    return imapSecurity == Security.SSL_TLS ? "imaps" : "imap";
  }

  /**
   * Jakarta Mail properties for SMTP submission: authenticated, TLS as configured, waits bounded by
   * the timeouts, guarded sockets.
   */
  Properties smtpProperties(OutboundTimeouts timeouts, SocketFactory sockets) {
    String protocol = smtpProtocol();
    Properties props = new Properties();
    String p = "mail." + protocol + ".";
    props.put("mail.transport.protocol", protocol);
    props.put(p + "auth", "true");
    props.put(p + "connectiontimeout", Integer.toString(timeouts.connectMillis()));
    props.put(p + "timeout", Integer.toString(timeouts.totalMillis()));
    props.put(p + "writetimeout", Integer.toString(timeouts.totalMillis()));
    props.put(p + "executor.writetimeout", WriteTimeouts.SCHEDULER);
    props.put(p + "ssl.checkserveridentity", "true");
    guarded(props, p, sockets);
    if (smtpSecurity == Security.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    return props;
  }

  String smtpProtocol() {
    return smtpSecurity == Security.SSL_TLS ? "smtps" : "smtp";
  }

  /**
   * Plain sockets from {@code sockets} for every protocol variant; Jakarta Mail layers TLS on them
   * itself (with the host name, for SNI and the certificate check). No ssl.socketFactory is set:
   * Jakarta Mail would open an unguarded socket for it.
   */
  private static void guarded(Properties props, String prefix, SocketFactory sockets) {
    props.put(prefix + "socketFactory", sockets);
    props.put(prefix + "socketFactory.fallback", "false");
  }

  private static String required(Map<String, String> map, String key) {
    String value = map.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the IMAP settings have no " + key);
    }
    return value;
  }

  private static int port(Map<String, String> map, String key) {
    try {
      return Integer.parseInt(required(map, key).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the IMAP setting " + key + " is not a port number");
    }
  }

  private static Security security(Map<String, String> map, String key) {
    try {
      return Security.valueOf(required(map, key).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the IMAP setting " + key + " is not one of SSL_TLS, STARTTLS, NONE");
    }
  }
}
