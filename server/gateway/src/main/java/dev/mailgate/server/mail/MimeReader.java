package dev.mailgate.server.mail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The gateway's one MIME reader: RFC 5322 bytes or IMAP messages to their content, through one
 * walk of the MIME tree ({@link #structure}) that both message views (IMAP) and drafts read back
 * for sending again ({@link #toOutgoing}) use. Gmail's own part tree (already parsed by Gmail) is
 * read by {@code GmailMessages}; Graph answers in JSON.
 */
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
      StructureWalk bodies = new StructureWalk(true);
      bodies.collect(mime, "");
      List<OutgoingAttachment> attachments = new ArrayList<>();
      for (int i = 0; i < bodies.attachments.size(); i++) {
        AttachmentInfo info = bodies.attachments.get(i);
        Part part = bodies.attachmentParts.get(i);
        try (InputStream in = part.getInputStream()) {
          attachments.add(new OutgoingAttachment(info.filename(), part.getContentType().split(";")[0].trim(),
              in.readAllBytes(), info.contentId()));
        }
      }
      return new OutgoingMessage(addresses(mime.getRecipients(jakarta.mail.Message.RecipientType.TO)),
          addresses(mime.getRecipients(jakarta.mail.Message.RecipientType.CC)),
          addresses(mime.getRecipients(jakarta.mail.Message.RecipientType.BCC)),
          mime.getSubject() == null ? "" : mime.getSubject(), bodies.text, bodies.html, attachments,
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

  /**
   * What a message's MIME tree holds, with every part named by its IMAP section path ("1", "1.2",
   * ...; a single-part message's body is "1"): the first text/plain and text/html parts that are
   * not attachments, and every other leaf as an attachment whose id is its path.
   */
  public record Structure(String text, String html, String textPath, String htmlPath,
      List<AttachmentInfo> attachments) {}

  /**
   * Walks a message (parsed, or an IMAP message whose parts are fetched lazily) into its
   * {@link Structure}; with {@code readBodies} false only the structure is read, not the bodies
   * (for an IMAP message: BODYSTRUCTURE only).
   */
  public static Structure structure(Part message, boolean readBodies) {
    try {
      StructureWalk walk = new StructureWalk(readBodies);
      walk.collect(message, "");
      return new Structure(walk.text, walk.html, walk.textPath, walk.htmlPath, List.copyOf(walk.attachments));
    } catch (MessagingException | IOException e) {
      throw new IllegalArgumentException("not a readable MIME message", e);
    }
  }

  /** The part at an IMAP section path ("1", "2.1"), as {@link #structure} names them. */
  public static Optional<Part> partAt(Part message, String path) {
    try {
      Part current = message;
      for (String step : path.split("\\.")) {
        int index = Integer.parseInt(step) - 1;
        if (current.isMimeType("multipart/*")) {
          Multipart multipart = (Multipart) current.getContent();
          if (index < 0 || index >= multipart.getCount()) {
            return Optional.empty();
          }
          current = multipart.getBodyPart(index);
        } else if (index != 0 || current != message) {
          return Optional.empty();
        }
      }
      return Optional.of(current);
    } catch (NumberFormatException | MessagingException | IOException e) {
      return Optional.empty();
    }
  }

  /** A text part's content as a string, in its declared charset (UTF-8 when unknown or unsupported). */
  public static String text(Part part) throws MessagingException, IOException {
    try {
      Object content = part.getContent();
      if (content instanceof String string) {
        return string;
      }
    } catch (IOException unsupportedCharset) {
      // read the bytes below
    }
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), charsetOf(part));
    }
  }

  /** The charset a part declares, or UTF-8. */
  public static Charset charsetOf(Part part) {
    try {
      String declared = new ContentType(part.getContentType()).getParameter("charset");
      return declared == null ? StandardCharsets.UTF_8 : Charset.forName(MimeUtility.javaCharset(declared));
    } catch (MessagingException | IllegalArgumentException unknown) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The walk behind {@link #structure}. */
  private static final class StructureWalk {
    final boolean readBodies;
    String text = "";
    String html = "";
    String textPath = "";
    String htmlPath = "";
    final List<AttachmentInfo> attachments = new ArrayList<>();
    /** The part behind each of {@link #attachments}, in the same order. */
    final List<Part> attachmentParts = new ArrayList<>();

    StructureWalk(boolean readBodies) {
      this.readBodies = readBodies;
    }

    void collect(Part part, String path) throws MessagingException, IOException {
      if (part.isMimeType("multipart/*")) {
        Multipart multipart = (Multipart) part.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
          collect(multipart.getBodyPart(i), path.isEmpty() ? Integer.toString(i + 1) : path + "." + (i + 1));
        }
        return;
      }
      String here = path.isEmpty() ? "1" : path;
      boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
      if (!attachment && part.isMimeType("text/plain") && textPath.isEmpty()) {
        textPath = here;
        text = readBodies ? text(part) : "";
      } else if (!attachment && part.isMimeType("text/html") && htmlPath.isEmpty()) {
        htmlPath = here;
        html = readBodies ? text(part) : "";
      } else {
        String contentId = part instanceof MimePart mime && mime.getContentID() != null
            ? mime.getContentID().trim().replaceAll("^<|>$", "") : "";
        String filename = part.getFileName() == null ? "" : MimeUtility.decodeText(part.getFileName());
        attachments.add(new AttachmentInfo(here, filename, part.getContentType().split(";")[0].trim().toLowerCase(),
            decodedSize(part), contentId));
        attachmentParts.add(part);
      }
    }

    /** The size of the content once decoded: base64 takes four bytes for three. */
    private static long decodedSize(Part part) throws MessagingException {
      long size = Math.max(part.getSize(), 0);
      String encoding = part instanceof MimePart mime ? mime.getEncoding() : null;
      return "base64".equalsIgnoreCase(encoding) ? size * 3 / 4 : size;
    }
  }
}
