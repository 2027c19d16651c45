package dev.mailgate.server.provider.imap;

import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.egress.EgressGuard;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * Hands RFC 5322 bytes to the mailbox's SMTP server, authenticated as the mailbox, exactly as
 * they are (Message-ID included; Bcc is left out of the transmitted header by Jakarta Mail).
 * Blocking; never retried here.
 */
final class SmtpSubmission {

  private SmtpSubmission() {}

  /** Logs in to the SMTP server and out again. */
  static void verify(ImapSettings settings, OutboundTimeouts timeouts, String login, String password,
      EgressGuard guard) throws MessagingException {
    Session session = Session.getInstance(settings.smtpProperties(timeouts, guard.socketFactory()));
    try (Transport transport = session.getTransport(settings.smtpProtocol())) {
      transport.connect(settings.smtpHost(), settings.smtpPort(), login, password);
    }
  }

  /** Sends the message to every To, Cc and Bcc recipient it names. */
  static void submit(ImapSettings settings, OutboundTimeouts timeouts, String login, String password, byte[] raw,
      EgressGuard guard) throws MessagingException {
    Session session = Session.getInstance(settings.smtpProperties(timeouts, guard.socketFactory()));
    MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
    Address[] recipients = message.getAllRecipients();
    if (recipients == null || recipients.length == 0) {
      throw GatewayException.invalid(List.of(new FieldViolation("content", "the message has no recipients")));
    }
    try (Transport transport = session.getTransport(settings.smtpProtocol())) {
      transport.connect(settings.smtpHost(), settings.smtpPort(), login, password);
      transport.sendMessage(message, recipients);
    }
  }
}
