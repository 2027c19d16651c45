package dev.mailgate.server.provider.imap;

import dev.mailgate.server.mail.Header;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.MimeReader;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.protocol.BODY;

/** IMAP messages to domain messages: labels from folder and flags, ids, thread roots, snippets. */
final class ImapMessages {

  private static final int SNIPPET_BYTES = 2048;
  private static final int SNIPPET_CHARS = 200;

  private ImapMessages() {}

  /** What a summary needs, fetched in one FETCH for many messages: envelope, flags, structure, UID, References. */
  static void prefetch(IMAPFolder folder, Message[] messages) throws MessagingException {
    FetchProfile profile = new FetchProfile();
    profile.add(FetchProfile.Item.ENVELOPE);
    profile.add(FetchProfile.Item.FLAGS);
    profile.add(FetchProfile.Item.CONTENT_INFO);
    profile.add(UIDFolder.FetchProfileItem.UID);
    profile.add("References");
    folder.fetch(messages, profile);
  }

  static String messageId(IMAPFolder folder, IMAPMessage message) throws MessagingException {
    return ImapIds.message(folder.getFullName(), folder.getUIDValidity(), folder.getUID(message), rfc822Id(message));
  }

  static String rfc822Id(IMAPMessage message) throws MessagingException {
    String id = message.getMessageID();
    return id == null ? "" : id.trim();
  }

  /** The thread's root: the first id in References, else In-Reply-To, else the message's own Message-ID. */
  static String threadRoot(Message message) throws MessagingException {
    String references = header(message, "References");
    if (!references.isBlank()) {
      List<String> ids = MessageIdList.parse(references);
      if (!ids.isEmpty()) {
        return ids.get(0);
      }
    }
    String inReplyToHeader = message instanceof IMAPMessage imap ? imap.getInReplyTo() : header(message, "In-Reply-To");
    List<String> inReplyTo = MessageIdList.parse(inReplyToHeader == null ? "" : inReplyToHeader);
    if (!inReplyTo.isEmpty()) {
      return inReplyTo.get(0);
    }
    String own = message instanceof MimeMessage mime ? mime.getMessageID() : header(message, "Message-ID");
    return own == null ? "" : own.trim();
  }

  static MessageSummary summary(ImapFolders folders, IMAPFolder folder, IMAPMessage message, boolean withSnippet)
      throws MessagingException {
    String id = messageId(folder, message);
    MimeReader.Structure structure = MimeReader.structure(message, false);
    List<MailAddress> from = MimeReader.addresses(message.getFrom());
    return new MessageSummary(id, ImapIds.thread(threadRoot(message), id),
        from.isEmpty() ? MailAddress.of("") : from.get(0),
        MimeReader.addresses(message.getRecipients(Message.RecipientType.TO)),
        message.getSubject() == null ? "" : message.getSubject(),
        withSnippet ? snippet(folder, message, structure) : "",
        labels(folders, folder.getFullName(), message.getFlags()),
        message.getReceivedDate() == null ? Instant.EPOCH : message.getReceivedDate().toInstant(),
        !structure.attachments().isEmpty());
  }

  static MessageDetail detail(ImapFolders folders, IMAPFolder folder, IMAPMessage message, MessageView view)
      throws MessagingException, IOException {
    prefetch(folder, new Message[] {message});
    MessageSummary summary = summary(folders, folder, message, true);
    if (view == MessageView.RAW) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      message.writeTo(raw);
      return new MessageDetail(summary, List.of(), List.of(), List.of(), "", "", List.of(), raw.toByteArray(),
          rfc822Id(message));
    }
    List<Header> headers = new ArrayList<>();
    for (jakarta.mail.Header header : Collections.list(message.getAllHeaders())) {
      headers.add(new Header(header.getName(), decode(header.getValue())));
    }
    MimeReader.Structure structure = view == MessageView.FULL ? MimeReader.structure(message, true)
        : new MimeReader.Structure("", "", "", "", List.of());
    return new MessageDetail(summary, headers, MimeReader.addresses(message.getRecipients(Message.RecipientType.CC)),
        MimeReader.addresses(message.getRecipients(Message.RecipientType.BCC)), structure.text(), structure.html(),
        structure.attachments(), new byte[0], rfc822Id(message));
  }

  /** The label of the message's folder, and UNREAD, STARRED, DRAFT from its flags. */
  static List<String> labels(ImapFolders folders, String folder, Flags flags) {
    List<String> labels = new ArrayList<>();
    labels.add(folders.labelOf(folder));
    if (!flags.contains(Flags.Flag.SEEN)) {
      labels.add("UNREAD");
    }
    if (flags.contains(Flags.Flag.FLAGGED)) {
      labels.add("STARRED");
    }
    if (flags.contains(Flags.Flag.DRAFT) && !labels.contains("DRAFT")) {
      labels.add("DRAFT");
    }
    return labels;
  }

  static String header(Message message, String name) throws MessagingException {
    String[] values = message.getHeader(name);
    return values == null || values.length == 0 ? "" : values[0].trim();
  }

  /** The first characters of the text (or else HTML) body, read with one partial FETCH. */
  private static String snippet(IMAPFolder folder, IMAPMessage message, MimeReader.Structure structure) {
    String path = !structure.textPath().isEmpty() ? structure.textPath() : structure.htmlPath();
    if (path.isEmpty()) {
      return "";
    }
    try {
      Part part = MimeReader.partAt(message, path).orElse(null);
      if (part == null) {
        return "";
      }
      int number = message.getMessageNumber();
      BODY body = (BODY) folder.doCommand(protocol -> protocol.peekBody(number, path, 0, SNIPPET_BYTES));
      if (body == null || body.getByteArray() == null) {
        return "";
      }
      String encoding = part instanceof MimePart mime ? mime.getEncoding() : null;
      String text = new String(decodeLeniently(body.getByteArrayInputStream(), encoding), MimeReader.charsetOf(part));
      if (part.isMimeType("text/html")) {
        text = text.replaceAll("(?is)<(style|script)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " ")
            .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
            .replace("&#39;", "'").replace("&amp;", "&");
      }
      text = text.replaceAll("\\s+", " ").replace("\uFFFD", "").trim();
      return text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS);
    } catch (MessagingException | RuntimeException unreadable) {
      return "";
    }
  }

  /** Decodes a transfer encoding, keeping what decodes when the input was cut off mid-way. */
  private static byte[] decodeLeniently(InputStream encoded, String encoding) throws MessagingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = encoding == null ? encoded : MimeUtility.decode(encoded, encoding)) {
      int b;
      while ((b = in.read()) != -1) {
        out.write(b);
      }
    } catch (IOException cutOff) {
      // the partial fetch ended inside an encoded unit
    }
    return out.toByteArray();
  }

  private static String decode(String value) {
    try {
      return MimeUtility.decodeText(MimeUtility.unfold(value));
    } catch (UnsupportedEncodingException | RuntimeException e) {
      return value;
    }
  }

  /** Message ids ({@code <...>}) in a References or In-Reply-To header. */
  static final class MessageIdList {
    private MessageIdList() {}

    static List<String> parse(String header) {
      List<String> ids = new ArrayList<>();
      int start = header.indexOf('<');
      while (start >= 0) {
        int end = header.indexOf('>', start);
        if (end < 0) {
          break;
        }
        ids.add(header.substring(start, end + 1));
        start = header.indexOf('<', end);
      }
      return ids;
    }
  }
}
