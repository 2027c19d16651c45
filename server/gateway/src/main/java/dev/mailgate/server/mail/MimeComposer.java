package dev.mailgate.server.mail;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.util.List;
import java.util.Properties;

/**
 * Builds RFC 5322 messages with Jakarta Mail: text and HTML as alternatives, inline parts (with a
 * Content-ID) related to the HTML, other attachments mixed in, and the threading headers of a
 * reply. Every provider sends what this builds.
 */
public final class MimeComposer {

  private static final Session SESSION = Session.getInstance(new Properties());

  /** The threading facts of the message being replied to. */
  public record ReplyContext(String messageIdHeader, String references, String subject) {}

  private MimeComposer() {}

  public static byte[] compose(String from, OutgoingMessage message, String messageIdHeader, ReplyContext reply) {
    try {
      MimeMessage mime = new FixedIdMimeMessage(messageIdHeader);
      mime.setFrom(new InternetAddress(from));
      mime.setRecipients(jakarta.mail.Message.RecipientType.TO, addresses(message.to()));
      mime.setRecipients(jakarta.mail.Message.RecipientType.CC, addresses(message.cc()));
      mime.setRecipients(jakarta.mail.Message.RecipientType.BCC, addresses(message.bcc()));
      String subject = message.subject();
      if (reply != null) {
        mime.setHeader("In-Reply-To", reply.messageIdHeader());
        String references = reply.references().isBlank() ? reply.messageIdHeader()
            : reply.references() + " " + reply.messageIdHeader();
        mime.setHeader("References", references);
        if (subject.isBlank()) {
          subject = reply.subject().regionMatches(true, 0, "Re:", 0, 3) ? reply.subject() : "Re: " + reply.subject();
        }
      }
      mime.setSubject(subject, "UTF-8");
      mime.setSentDate(new java.util.Date());
      setContent(mime, message);
      mime.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      mime.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalArgumentException("the message cannot be composed: " + e.getMessage(), e);
    }
  }

  private static void setContent(MimeMessage mime, OutgoingMessage message) throws MessagingException {
    boolean html = !message.htmlBody().isEmpty();
    // Inline parts belong to the HTML; without HTML they are plain attachments.
    List<OutgoingAttachment> inline = html
        ? message.attachments().stream().filter(a -> !a.contentId().isBlank()).toList() : List.of();
    List<OutgoingAttachment> attached = message.attachments().stream().filter(a -> !inline.contains(a)).toList();
    if (attached.isEmpty()) {
      fillBody(mime, message, inline);
      return;
    }
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeBodyPart body = new MimeBodyPart();
    fillBody(body, message, inline);
    mixed.addBodyPart(body);
    for (OutgoingAttachment attachment : attached) {
      mixed.addBodyPart(part(attachment, false));
    }
    mime.setContent(mixed);
  }

  /** Text only; or text and HTML as alternatives; or those related to the inline parts. */
  private static void fillBody(MimePart target, OutgoingMessage message, List<OutgoingAttachment> inline)
      throws MessagingException {
    if (message.htmlBody().isEmpty()) {
      target.setText(message.textBody(), "UTF-8");
      return;
    }
    MimeMultipart alternative = new MimeMultipart("alternative");
    if (!message.textBody().isEmpty()) {
      MimeBodyPart text = new MimeBodyPart();
      text.setText(message.textBody(), "UTF-8");
      alternative.addBodyPart(text);
    }
    MimeBodyPart htmlPart = new MimeBodyPart();
    htmlPart.setText(message.htmlBody(), "UTF-8", "html");
    alternative.addBodyPart(htmlPart);
    if (inline.isEmpty()) {
      target.setContent(alternative);
      return;
    }
    MimeMultipart related = new MimeMultipart("related");
    MimeBodyPart alternatives = new MimeBodyPart();
    alternatives.setContent(alternative);
    related.addBodyPart(alternatives);
    for (OutgoingAttachment attachment : inline) {
      related.addBodyPart(part(attachment, true));
    }
    target.setContent(related);
  }

  private static MimeBodyPart part(OutgoingAttachment attachment, boolean inline) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    String type = attachment.mimeType().isBlank() ? "application/octet-stream" : attachment.mimeType();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.data(), type)));
    try {
      part.setFileName(jakarta.mail.internet.MimeUtility.encodeText(attachment.filename(), "UTF-8", null));
    } catch (UnsupportedEncodingException e) {
      part.setFileName(attachment.filename());
    }
    part.setDisposition(inline ? MimeBodyPart.INLINE : MimeBodyPart.ATTACHMENT);
    if (!attachment.contentId().isBlank()) {
      part.setContentID("<" + attachment.contentId() + ">");
    }
    return part;
  }

  private static InternetAddress[] addresses(List<MailAddress> list) throws UnsupportedEncodingException {
    InternetAddress[] result = new InternetAddress[list.size()];
    for (int i = 0; i < list.size(); i++) {
      MailAddress address = list.get(i);
      result[i] = address.name().isBlank() ? new InternetAddress(address.address(), null, "UTF-8")
          : new InternetAddress(address.address(), address.name(), "UTF-8");
    }
    return result;
  }

  /** Keeps the Message-ID the caller chose (saveChanges would replace it). */
  private static final class FixedIdMimeMessage extends MimeMessage {
    private final String messageId;

    FixedIdMimeMessage(String messageId) {
      super(SESSION);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
