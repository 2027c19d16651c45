package dev.mailgate.server.testing;

import com.google.api.services.gmail.model.Message;
import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds test messages with Jakarta Mail, as a sending mail client would: plain text, or
 * text + HTML alternatives, wrapped in multipart/mixed when there is an attachment or an inline
 * image. An attachment's type follows its file name ({@code .pdf}: application/pdf; unknown:
 * application/octet-stream).
 */
public final class TestMail {

  /** A sender for tests that need one and do not care who. */
  public static final String GRACE = "Grace Hopper <grace@example.org>";

  private static final Session SESSION = Session.getInstance(new Properties());

  private String from;
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

  public static TestMail mail() {
    return new TestMail();
  }

  public TestMail from(String from) {
    this.from = from;
    return this;
  }

  public TestMail to(String to) {
    this.to = to;
    return this;
  }

  public TestMail cc(String cc) {
    this.cc = cc;
    return this;
  }

  public TestMail bcc(String bcc) {
    this.bcc = bcc;
    return this;
  }

  public TestMail subject(String subject) {
    this.subject = subject;
    return this;
  }

  public TestMail text(String text) {
    this.text = text;
    return this;
  }

  public TestMail html(String html) {
    this.html = html;
    return this;
  }

  public TestMail attach(String name, byte[] bytes) {
    this.attachmentName = name;
    this.attachment = bytes;
    return this;
  }

  /** An inline image the HTML shows as {@code cid:contentId}. */
  public TestMail inline(String contentId, byte[] bytes) {
    this.inlineId = contentId;
    this.inline = bytes;
    return this;
  }

  public TestMail date(Instant date) {
    this.date = date;
    return this;
  }

  public TestMail messageId(String messageId) {
    this.messageId = messageId;
    return this;
  }

  public TestMail header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public MimeMessage mime() {
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
      MimeMultipart alternative = null;
      if (html != null) {
        alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
      }
      if (attachment != null || inline != null) {
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart body = new MimeBodyPart();
        if (alternative != null) {
          body.setContent(alternative);
        } else {
          body.setText(text, "UTF-8");
        }
        mixed.addBodyPart(body);
        if (inline != null) {
          MimeBodyPart image = new MimeBodyPart();
          image.setDataHandler(new DataHandler(new ByteArrayDataSource(inline, "image/png")));
          image.setContentID("<" + inlineId + ">");
          image.setDisposition(MimeBodyPart.INLINE);
          mixed.addBodyPart(image);
        }
        if (attachment != null) {
          String type = URLConnection.guessContentTypeFromName(attachmentName);
          MimeBodyPart file = new MimeBodyPart();
          file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment,
              type == null ? "application/octet-stream" : type)));
          file.setFileName(attachmentName);
          file.setDisposition(MimeBodyPart.ATTACHMENT);
          mixed.addBodyPart(file);
        }
        message.setContent(mixed);
      } else if (alternative != null) {
        message.setContent(alternative);
      } else {
        message.setText(text, "UTF-8");
      }
      for (Map.Entry<String, String> header : headers.entrySet()) {
        message.setHeader(header.getKey(), header.getValue());
      }
      message.saveChanges();
      if (messageId != null) {
        message.setHeader("Message-ID", messageId);
      }
      return message;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] bytes() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      mime().writeTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Gmail Message whose {@code raw} is these bytes, base64url. */
  public Message message() {
    return new Message().setRaw(Base64.getUrlEncoder().encodeToString(bytes()));
  }
}
