package dev.mailgate.server.provider.imap;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MimeComposer;
import dev.mailgate.server.mail.MimeComposer.ReplyContext;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.mail.SendClaim;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.provider.imap.ImapConnection.Located;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import io.vertx.core.Future;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sending and drafts over SMTP and IMAP. A sent message goes out by SMTP and a copy is then
 * appended to Sent (seen), unless the server filed one itself. A draft is a message in Drafts
 * (flagged {@code \Draft}); its id is its Message-ID, which an update keeps: the new version is
 * appended and the old one expunged, so the draft id stays the same.
 */
final class ImapSending {

  private static final Logger log = LoggerFactory.getLogger(ImapSending.class);

  private final ImapCalls calls;

  ImapSending(ImapCalls calls) {
    this.calls = calls;
  }

  Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader, SendClaim claim) {
    Future<Optional<ReplyContext>> replyTo = message.replyToMessageId().isBlank()
        ? Future.succeededFuture(Optional.empty())
        : calls.imap(mailbox, c -> replyContext(c, message.replyToMessageId()));
    // The MIME is built on the SMTP worker that submits it, not on an event loop.
    return replyTo
        .compose(reply -> submit(mailbox, () -> compose(mailbox, message, messageIdHeader, reply.orElse(null)), messageIdHeader, claim))
        .compose(submitted -> fileAsSent(mailbox, submitted, messageIdHeader));
  }

  Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader) {
    return calls.imap(mailbox, c -> {
      IMAPFolder sent = c.open(c.folder(Role.SENT), Folder.READ_ONLY);
      try {
        List<IMAPMessage> copies = ImapConnection.withMessageId(sent, messageIdHeader);
        if (copies.isEmpty()) {
          return Optional.empty();
        }
        IMAPMessage copy = copies.get(copies.size() - 1);
        ImapMessages.prefetch(sent, new Message[] {copy});
        String id = ImapMessages.messageId(sent, copy);
        return Optional.of(new SentMessage(id, ImapIds.thread(ImapMessages.threadRoot(copy), id)));
      } finally {
        ImapConnection.closeQuietly(sent);
      }
    });
  }

  Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    String rfc822Id = "<" + UUID.randomUUID() + "@mailgate>";
    return calls.imap(mailbox, c -> {
      byte[] raw = compose(mailbox, message, rfc822Id, replyContext(c, message.replyToMessageId()).orElse(null));
      c.append(c.folder(Role.DRAFT), raw, draftFlags());
      return readDraft(c, rfc822Id);
    });
  }

  Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    String rfc822Id = ImapIds.parseDraft(draftId);
    return calls.imap(mailbox, c -> readDraft(c, rfc822Id));
  }

  Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    return calls.imap(mailbox, c -> {
      IMAPFolder drafts = c.open(c.folder(Role.DRAFT), Folder.READ_ONLY);
      try {
        ImapListing.Slice slice = ImapListing.page(drafts, Optional.empty(), false, pageSize, pageToken);
        List<DraftDetail> details = new ArrayList<>();
        for (IMAPMessage message : slice.messages()) {
          if (!ImapMessages.rfc822Id(message).isEmpty()) {
            details.add(draft(drafts, message));
          }
        }
        return new Page<>(details, slice.nextPageToken());
      } finally {
        ImapConnection.closeQuietly(drafts);
      }
    });
  }

  Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    String rfc822Id = ImapIds.parseDraft(draftId);
    return calls.imap(mailbox, c -> {
      String name = c.folder(Role.DRAFT);
      IMAPFolder drafts = c.open(name, Folder.READ_WRITE);
      try {
        List<IMAPMessage> old = ImapConnection.withMessageId(drafts, rfc822Id);
        if (old.isEmpty()) {
          throw ImapIds.notFound();
        }
        ReplyContext reply = message.replyToMessageId().isBlank() ? replyContextOf(old.get(old.size() - 1))
            : replyContext(c, message.replyToMessageId()).orElse(null);
        c.append(name, compose(mailbox, message, rfc822Id, reply), draftFlags());
        c.expunge(drafts, old);
      } finally {
        ImapConnection.closeQuietly(drafts);
      }
      return readDraft(c, rfc822Id);
    });
  }

  Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    String rfc822Id = ImapIds.parseDraft(draftId);
    return calls.imap(mailbox, c -> {
      c.deleteCopies(c.folder(Role.DRAFT), rfc822Id, true);
      return null;
    });
  }

  Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    String rfc822Id = ImapIds.parseDraft(draftId);
    return calls.imap(mailbox, c -> {
      IMAPFolder drafts = c.open(c.folder(Role.DRAFT), Folder.READ_ONLY);
      try {
        List<IMAPMessage> copies = ImapConnection.withMessageId(drafts, rfc822Id);
        if (copies.isEmpty()) {
          throw ImapIds.notFound();
        }
        MimeMessage mime = MimeReader.parse(bytes(copies.get(copies.size() - 1)));
        mime.setSentDate(new Date());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mime.writeTo(out);
        return out.toByteArray();
      } finally {
        ImapConnection.closeQuietly(drafts);
      }
    }).compose(raw -> submit(mailbox, () -> raw, rfc822Id, claim))
        .compose(submitted -> fileAsSent(mailbox, submitted, rfc822Id))
        .compose(sent -> calls.imap(mailbox, c -> {
          c.deleteCopies(c.folder(Role.DRAFT), rfc822Id, false);
          return sent;
        }).recover(failure -> {
          // The mail is out: a draft left behind must not turn the send into a failure (and a resend).
          log.warn("a sent draft could not be removed from Drafts: {}", failure.getMessage());
          return Future.succeededFuture(sent);
        }));
  }

  /** The threading facts of the message replied to, found by its gateway id on this connection. */
  static Optional<ReplyContext> replyContext(ImapConnection c, String replyToMessageId) throws MessagingException {
    if (replyToMessageId == null || replyToMessageId.isBlank()) {
      return Optional.empty();
    }
    try (Located original = c.locate(ImapIds.parseMessage(replyToMessageId), Folder.READ_ONLY)) {
      IMAPMessage message = original.message();
      return Optional.of(new ReplyContext(ImapMessages.rfc822Id(message), ImapMessages.header(message, "References"),
          message.getSubject() == null ? "" : message.getSubject()));
    }
  }

  /** A draft's own threading, so an update that names no reply keeps replying to the same message. */
  private static ReplyContext replyContextOf(IMAPMessage draft) throws MessagingException {
    List<String> inReplyTo = ImapMessages.MessageIdList.parse(ImapMessages.header(draft, "In-Reply-To"));
    if (inReplyTo.isEmpty()) {
      return null;
    }
    List<String> references = new ArrayList<>(ImapMessages.MessageIdList.parse(ImapMessages.header(draft, "References")));
    references.remove(inReplyTo.get(0));
    return new ReplyContext(inReplyTo.get(0), String.join(" ", references),
        draft.getSubject() == null ? "" : draft.getSubject());
  }

  private static Flags draftFlags() {
    Flags flags = new Flags(Flags.Flag.DRAFT);
    flags.add(Flags.Flag.SEEN);
    return flags;
  }

  private static byte[] compose(MailboxCredential mailbox, OutgoingMessage message, String rfc822Id, ReplyContext reply) {
    try {
      return MimeComposer.compose(mailbox.emailAddress(), message, rfc822Id, reply);
    } catch (IllegalArgumentException e) {
      throw GatewayException.invalid(List.of(new FieldViolation("content", "the message cannot be composed")));
    }
  }

  /** A message submitted by SMTP, and the thread its headers put it in. */
  private record Submitted(byte[] raw, String threadId) {}

  /**
   * Submits once by SMTP (never retried), if the claim still allows a send once the worker runs
   * it; the MIME is built and read back on that worker, not on an event loop.
   */
  private Future<Submitted> submit(MailboxCredential mailbox, java.util.function.Supplier<byte[]> message, String rfc822Id,
      SendClaim claim) {
    ImapSettings settings = ImapCalls.settingsOf(mailbox);
    return calls.blocking("the SMTP server", () -> {
      byte[] raw = message.get();
      String threadId;
      try {
        threadId = ImapIds.thread(ImapMessages.threadRoot(MimeReader.parse(raw)), ImapIds.message("Sent", 0, 0, rfc822Id));
      } catch (MessagingException e) {
        throw new GatewayException(dev.mailgate.server.error.Reason.INTERNAL, "the message cannot be read back");
      }
      claim.checkSendable();
      SmtpSubmission.submit(settings, calls.timeouts(), settings.login(mailbox.emailAddress()), mailbox.credential(), raw,
          calls.guard(mailbox));
      return new Submitted(raw, threadId);
    });
  }

  /** Files a copy in Sent; the mail is already out, so a failure here still answers with the sent message. */
  private Future<SentMessage> fileAsSent(MailboxCredential mailbox, Submitted submitted, String rfc822Id) {
    String threadId = submitted.threadId();
    byte[] raw = submitted.raw();
    return calls.imap(mailbox, c -> {
      String name = c.folder(Role.SENT);
      IMAPFolder sent = c.open(name, Folder.READ_ONLY);
      try {
        List<IMAPMessage> filed = ImapConnection.withMessageId(sent, rfc822Id);
        if (!filed.isEmpty()) {
          return new SentMessage(ImapMessages.messageId(sent, filed.get(filed.size() - 1)), threadId);
        }
      } finally {
        ImapConnection.closeQuietly(sent);
      }
      return new SentMessage(c.append(name, raw, new Flags(Flags.Flag.SEEN)), threadId);
    }).recover(failure -> {
      log.warn("a sent message could not be filed in Sent: {}", failure.getMessage());
      return Future.succeededFuture(new SentMessage(ImapIds.message("Sent", 0, 0, rfc822Id), threadId));
    });
  }

  private DraftDetail readDraft(ImapConnection c, String rfc822Id) throws MessagingException, IOException {
    IMAPFolder drafts = c.open(c.folder(Role.DRAFT), Folder.READ_ONLY);
    try {
      List<IMAPMessage> copies = ImapConnection.withMessageId(drafts, rfc822Id);
      if (copies.isEmpty()) {
        throw ImapIds.notFound();
      }
      return draft(drafts, copies.get(copies.size() - 1));
    } finally {
      ImapConnection.closeQuietly(drafts);
    }
  }

  private static DraftDetail draft(IMAPFolder drafts, IMAPMessage message) throws MessagingException, IOException {
    ImapMessages.prefetch(drafts, new Message[] {message});
    String messageId = ImapMessages.messageId(drafts, message);
    String rfc822Id = ImapMessages.rfc822Id(message);
    Instant updated = message.getReceivedDate() == null ? Instant.now() : message.getReceivedDate().toInstant();
    return new DraftDetail(ImapIds.draft(rfc822Id), MimeReader.toOutgoing(bytes(message)), messageId,
        ImapIds.thread(ImapMessages.threadRoot(message), messageId), updated, rfc822Id);
  }

  private static byte[] bytes(IMAPMessage message) throws MessagingException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }
}
