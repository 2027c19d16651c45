package dev.mailgate.server.sandbox.graph;

import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Writes a message out as RFC 822 from its properties, as Exchange does for a draft's
 * {@code $value} and for mail sent as JSON: the body as one text or HTML part, attachments
 * beside it in {@code multipart/mixed}, custom {@code x-} headers kept, the Message-ID as given.
 */
final class MimeWriter {

  private static final Session SESSION = Session.getInstance(new Properties());

  private MimeWriter() {}

  static byte[] write(GraphMessage m) {
    try {
      MimeMessage mime = new KeptIdMessage();
      if (m.from != null) {
        mime.setFrom(m.from.toInternetAddress());
      }
      if (m.sender != null && m.from != null && !m.sender.address().equalsIgnoreCase(m.from.address())) {
        mime.setSender(m.sender.toInternetAddress());
      }
      recipients(mime, RecipientType.TO, m.to);
      recipients(mime, RecipientType.CC, m.cc);
      recipients(mime, RecipientType.BCC, m.bcc);
      if (!m.replyTo.isEmpty()) {
        mime.setReplyTo(m.replyTo.stream().map(Recipient::toInternetAddress).toArray(InternetAddress[]::new));
      }
      mime.setSubject(m.subject, "UTF-8");
      mime.setSentDate(Date.from(m.sent != null ? m.sent : m.created));
      if (!m.internetMessageId.isEmpty()) {
        mime.setHeader("Message-ID", m.internetMessageId);
      }
      if (m.inReplyTo != null) {
        mime.setHeader("In-Reply-To", m.inReplyTo);
      }
      if (!m.references.isEmpty()) {
        mime.setHeader("References", String.join(" ", m.references));
      }
      if (!m.importance.equals("normal")) {
        mime.setHeader("Importance", m.importance.substring(0, 1).toUpperCase(Locale.ROOT) + m.importance.substring(1));
      }
      for (GraphMessage.Header header : m.headers) {
        if (header.name().toLowerCase(Locale.ROOT).startsWith("x-")) {
          mime.addHeader(header.name(), header.value());
        }
      }
      content(mime, m);
      mime.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      mime.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("Cannot write message " + m.id + " as MIME", e);
    }
  }

  private static void recipients(MimeMessage mime, RecipientType type, List<Recipient> recipients)
      throws MessagingException {
    if (!recipients.isEmpty()) {
      mime.setRecipients(type, recipients.stream().map(Recipient::toInternetAddress).toArray(InternetAddress[]::new));
    }
  }

  private static void content(MimeMessage mime, GraphMessage m) throws MessagingException {
    String subtype = m.body.isHtml() ? "html" : "plain";
    if (m.attachments.isEmpty()) {
      mime.setText(m.body.content(), "UTF-8", subtype);
      return;
    }
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeBodyPart body = new MimeBodyPart();
    body.setText(m.body.content(), "UTF-8", subtype);
    mixed.addBodyPart(body);
    for (FileAttachment attachment : m.attachments) {
      MimeBodyPart part = new MimeBodyPart();
      part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.bytes(), attachment.contentType())));
      part.setFileName(attachment.name());
      part.setDisposition(attachment.inline() ? Part.INLINE : Part.ATTACHMENT);
      if (attachment.contentId() != null) {
        part.setContentID("<" + attachment.contentId() + ">");
      }
      mixed.addBodyPart(part);
    }
    mime.setContent(mixed);
  }

  /** A MimeMessage that keeps the Message-ID it was given instead of making one up on save. */
  private static final class KeptIdMessage extends MimeMessage {

    KeptIdMessage() {
      super(SESSION);
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      if (getHeader("Message-ID") == null) {
        super.updateMessageID();
      }
    }
  }
}
