package dev.mailgate.server.mail;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reads RFC 5322 bytes back into the content of a message (for drafts, and for IMAP). */
public final class MimeReader {

  private static final Session SESSION = Session.getInstance(new Properties());

  private MimeReader() {}

  public static MimeMessage parse(byte[] raw) {
    try {
      return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      throw new IllegalArgumentException("not a MIME message", e);
    }
  }

  /** The RFC 5322 Message-ID header, or empty. */
  public static String messageIdOf(byte[] raw) {
    try {
      String id = parse(raw).getMessageID();
      return id == null ? "" : id;
    } catch (MessagingException e) {
      return "";
    }
  }

  /** The content of a message as it would be sent again (drafts). */
  public static OutgoingMessage toOutgoing(byte[] raw) {
    try {
      MimeMessage mime = parse(raw);
      Bodies bodies = new Bodies();
      bodies.collect(mime);
      return new OutgoingMessage(addresses(mime.getRecipients(jakarta.mail.Message.RecipientType.TO)),
          addresses(mime.getRecipients(jakarta.mail.Message.RecipientType.CC)),
          addresses(mime.getRecipients(jakarta.mail.Message.RecipientType.BCC)),
          mime.getSubject() == null ? "" : mime.getSubject(), bodies.text, bodies.html, bodies.attachments,
          "");
    } catch (MessagingException | IOException e) {
      throw new IllegalArgumentException("not a readable MIME message", e);
    }
  }

  public static List<MailAddress> addresses(Address[] addresses) {
    List<MailAddress> result = new ArrayList<>();
    if (addresses != null) {
      for (Address address : addresses) {
        if (address instanceof InternetAddress internet) {
          result.add(new MailAddress(internet.getAddress(), internet.getPersonal() == null ? "" : internet.getPersonal()));
        }
      }
    }
    return result;
  }

  /** Walks the MIME tree: the first text/plain and text/html bodies, everything else as attachments. */
  private static final class Bodies {
    String text = "";
    String html = "";
    final List<OutgoingAttachment> attachments = new ArrayList<>();

    void collect(Part part) throws MessagingException, IOException {
      if (part.isMimeType("multipart/*")) {
        Multipart multipart = (Multipart) part.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
          BodyPart child = multipart.getBodyPart(i);
          collect(child);
        }
        return;
      }
      boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
      if (!attachment && part.isMimeType("text/plain") && text.isEmpty()) {
        text = (String) part.getContent();
      } else if (!attachment && part.isMimeType("text/html") && html.isEmpty()) {
        html = (String) part.getContent();
      } else {
        String[] ids = part.getHeader("Content-ID");
        String contentId = ids == null ? "" : ids[0].replaceAll("^<|>$", "");
        String filename = part.getFileName() == null ? "" : MimeUtility.decodeText(part.getFileName());
        attachments.add(new OutgoingAttachment(filename, part.getContentType().split(";")[0].trim(),
            part.getInputStream().readAllBytes(), contentId));
      }
    }
  }
}
