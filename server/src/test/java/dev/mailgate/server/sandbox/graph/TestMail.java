package dev.mailgate.server.sandbox.graph;

import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Builds test messages with Jakarta Mail, as a sending mail server would. */
final class TestMail {

  private static final Session SESSION = Session.getInstance(new Properties());

  private String from = "Grace Hopper <grace@example.org>";
  private String to;
  private String cc;
  private String bcc;
  private String subject = "";
  private String text = "";
  private String html;
  private String attachmentName;
  private byte[] attachment;
  private String inlineId;
  private byte[] inline;
  private Instant date;
  private String messageId;
  private final Map<String, String> headers = new LinkedHashMap<>();

  static TestMail mail() {
    return new TestMail();
  }

  TestMail from(String from) {
    this.from = from;
    return this;
  }

  TestMail to(String to) {
    this.to = to;
    return this;
  }

  TestMail cc(String cc) {
    this.cc = cc;
    return this;
  }

  TestMail bcc(String bcc) {
    this.bcc = bcc;
    return this;
  }

  TestMail subject(String subject) {
    this.subject = subject;
    return this;
  }

  TestMail text(String text) {
    this.text = text;
    return this;
  }

  TestMail html(String html) {
    this.html = html;
    return this;
  }

  TestMail attach(String name, byte[] bytes) {
    this.attachmentName = name;
    this.attachment = bytes;
    return this;
  }

  /** An inline image the HTML shows as {@code cid:contentId}. */
  TestMail inline(String contentId, byte[] bytes) {
    this.inlineId = contentId;
    this.inline = bytes;
    return this;
  }

  TestMail date(Instant date) {
    this.date = date;
    return this;
  }

  TestMail messageId(String messageId) {
    this.messageId = messageId;
    return this;
  }

  TestMail header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  byte[] bytes() {
    try {
      MimeMessage message = new MimeMessage(SESSION);
      if (from != null) {
        message.setFrom(from);
      }
      if (to != null) {
        message.setRecipients(RecipientType.TO, to);
      }
      if (cc != null) {
        message.setRecipients(RecipientType.CC, cc);
      }
      if (bcc != null) {
        message.setRecipients(RecipientType.BCC, bcc);
      }
      message.setSubject(subject, "UTF-8");
      message.setSentDate(Date.from(date == null ? Instant.now() : date));
      MimeMultipart mixed = new MimeMultipart("mixed");
      if (html != null) {
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        mixed.addBodyPart(body);
      } else {
        MimeBodyPart body = new MimeBodyPart();
        body.setText(text, "UTF-8");
        mixed.addBodyPart(body);
      }
      if (inline != null) {
        MimeBodyPart image = new MimeBodyPart();
        image.setDataHandler(new DataHandler(new ByteArrayDataSource(inline, "image/png")));
        image.setContentID("<" + inlineId + ">");
        image.setDisposition(Part.INLINE);
        mixed.addBodyPart(image);
      }
      if (attachment != null) {
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/pdf")));
        file.setFileName(attachmentName);
        file.setDisposition(Part.ATTACHMENT);
        mixed.addBodyPart(file);
      }
      message.setContent(mixed);
      for (Map.Entry<String, String> header : headers.entrySet()) {
        message.setHeader(header.getKey(), header.getValue());
      }
      message.saveChanges();
      if (messageId != null) {
        message.setHeader("Message-ID", messageId);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
