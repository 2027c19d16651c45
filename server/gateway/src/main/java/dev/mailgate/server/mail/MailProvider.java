package dev.mailgate.server.mail;

import dev.mailgate.server.store.Page;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * One kind of mailbox (Gmail, Outlook, IMAP) behind the same operations, in domain types only.
 * Failures are {@link dev.mailgate.server.error.GatewayException}s with provider reasons
 * (MESSAGE_NOT_FOUND, PROVIDER_RATE_LIMITED, PROVIDER_UNAVAILABLE, ...) or
 * {@link ProviderUnauthorizedException}, which the caller answers with one refresh and retry.
 * Implementations never block an event loop.
 */
public interface MailProvider {

  Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds, int pageSize,
      Optional<String> pageToken);

  Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view);

  Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId);

  Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId);

  /**
   * Sends under {@code claim}; the message carries {@code messageIdHeader} as its RFC 5322
   * Message-ID. The one call that sends is made once, never retried inside, and only after
   * {@link SendClaim#checkSendable} on the thread that makes it.
   */
  Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader, SendClaim claim);

  /**
   * Whether this send already went out (after a crash or an ambiguous failure): by the
   * Message-ID in the sent folder, or (Outlook) by the draft recorded with the claim. Fails with
   * SEND_IN_PROGRESS while the provider has accepted the send and not filed it yet.
   */
  Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim);

  Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message);

  Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId);

  Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken);

  Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message);

  Future<Void> deleteDraft(MailboxCredential mailbox, String draftId);

  /** Sends a draft under {@code claim} as {@link #send} does; the sent message keeps the draft's Message-ID. */
  Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim);

  Future<List<LabelInfo>> listLabels(MailboxCredential mailbox);

  Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds, List<String> removeLabelIds);

  Future<MessageSummary> trash(MailboxCredential mailbox, String messageId);

  Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId);
}
