package dev.mailgate.server.metrics;

import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.mail.SendClaim;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.mail.ThreadDetail;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** A provider's operations, each timed by {@link ProviderCallMeters}; the meters are found once, here. */
final class MeteredMailProvider implements MailProvider {

  private final MailProvider provider;
  private final ProviderCallMeters.Operation search;
  private final ProviderCallMeters.Operation getMessage;
  private final ProviderCallMeters.Operation getAttachment;
  private final ProviderCallMeters.Operation getThread;
  private final ProviderCallMeters.Operation send;
  private final ProviderCallMeters.Operation findSent;
  private final ProviderCallMeters.Operation createDraft;
  private final ProviderCallMeters.Operation getDraft;
  private final ProviderCallMeters.Operation listDrafts;
  private final ProviderCallMeters.Operation updateDraft;
  private final ProviderCallMeters.Operation deleteDraft;
  private final ProviderCallMeters.Operation sendDraft;
  private final ProviderCallMeters.Operation listLabels;
  private final ProviderCallMeters.Operation modify;
  private final ProviderCallMeters.Operation trash;
  private final ProviderCallMeters.Operation untrash;

  MeteredMailProvider(ProviderKind kind, MailProvider provider, ProviderCallMeters meters) {
    this.provider = provider;
    this.search = meters.operation(kind, "search");
    this.getMessage = meters.operation(kind, "get_message");
    this.getAttachment = meters.operation(kind, "get_attachment");
    this.getThread = meters.operation(kind, "get_thread");
    this.send = meters.operation(kind, "send");
    this.findSent = meters.operation(kind, "find_sent");
    this.createDraft = meters.operation(kind, "create_draft");
    this.getDraft = meters.operation(kind, "get_draft");
    this.listDrafts = meters.operation(kind, "list_drafts");
    this.updateDraft = meters.operation(kind, "update_draft");
    this.deleteDraft = meters.operation(kind, "delete_draft");
    this.sendDraft = meters.operation(kind, "send_draft");
    this.listLabels = meters.operation(kind, "list_labels");
    this.modify = meters.operation(kind, "modify");
    this.trash = meters.operation(kind, "trash");
    this.untrash = meters.operation(kind, "untrash");
  }

  @Override
  public Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds, int pageSize,
      Optional<String> pageToken) {
    return search.time(() -> provider.search(mailbox, query, labelIds, pageSize, pageToken));
  }

  @Override
  public Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view) {
    return getMessage.time(() -> provider.getMessage(mailbox, messageId, view));
  }

  @Override
  public Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId) {
    return getAttachment.time(() -> provider.getAttachment(mailbox, messageId, attachmentId));
  }

  @Override
  public Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId) {
    return getThread.time(() -> provider.getThread(mailbox, threadId));
  }

  @Override
  public Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader,
      SendClaim claim) {
    return send.time(() -> provider.send(mailbox, message, messageIdHeader, claim));
  }

  @Override
  public Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    return findSent.time(() -> provider.findSent(mailbox, messageIdHeader, claim));
  }

  @Override
  public Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    return createDraft.time(() -> provider.createDraft(mailbox, message));
  }

  @Override
  public Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    return getDraft.time(() -> provider.getDraft(mailbox, draftId));
  }

  @Override
  public Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    return listDrafts.time(() -> provider.listDrafts(mailbox, pageSize, pageToken));
  }

  @Override
  public Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    return updateDraft.time(() -> provider.updateDraft(mailbox, draftId, message));
  }

  @Override
  public Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    return deleteDraft.time(() -> provider.deleteDraft(mailbox, draftId));
  }

  @Override
  public Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    return sendDraft.time(() -> provider.sendDraft(mailbox, draftId, claim));
  }

  @Override
  public Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return listLabels.time(() -> provider.listLabels(mailbox));
  }

  @Override
  public Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    return modify.time(() -> provider.modify(mailbox, messageId, addLabelIds, removeLabelIds));
  }

  @Override
  public Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return trash.time(() -> provider.trash(mailbox, messageId));
  }

  @Override
  public Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return untrash.time(() -> provider.untrash(mailbox, messageId));
  }
}
