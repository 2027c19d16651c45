package dev.mailgate.server.mail;

import dev.mailgate.server.store.Page;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A provider's mail operations, each run through a {@link Hook}: metrics time them, tracing makes
 * a span of each. Hooks wrap each other as decorators do.
 */
public final class ObservedMailProvider implements MailProvider {

  /** What runs around every operation. */
  public interface Hook {
    <T> Future<T> around(MailOperation operation, Supplier<Future<T>> call);
  }

  private final MailProvider operations;
  private final Hook hook;

  public ObservedMailProvider(MailProvider operations, Hook hook) {
    this.operations = operations;
    this.hook = hook;
  }

  @Override
  public Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds,
      int pageSize, Optional<String> pageToken) {
    return hook.around(MailOperation.SEARCH, () -> operations.search(mailbox, query, labelIds, pageSize, pageToken));
  }

  @Override
  public Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view) {
    return hook.around(MailOperation.GET_MESSAGE, () -> operations.getMessage(mailbox, messageId, view));
  }

  @Override
  public Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId) {
    return hook.around(MailOperation.GET_ATTACHMENT, () -> operations.getAttachment(mailbox, messageId, attachmentId));
  }

  @Override
  public Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId) {
    return hook.around(MailOperation.GET_THREAD, () -> operations.getThread(mailbox, threadId));
  }

  @Override
  public Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader,
      SendClaim claim) {
    return hook.around(MailOperation.SEND, () -> operations.send(mailbox, message, messageIdHeader, claim));
  }

  @Override
  public Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    return hook.around(MailOperation.FIND_SENT, () -> operations.findSent(mailbox, messageIdHeader, claim));
  }

  @Override
  public Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    return hook.around(MailOperation.CREATE_DRAFT, () -> operations.createDraft(mailbox, message));
  }

  @Override
  public Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    return hook.around(MailOperation.GET_DRAFT, () -> operations.getDraft(mailbox, draftId));
  }

  @Override
  public Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    return hook.around(MailOperation.LIST_DRAFTS, () -> operations.listDrafts(mailbox, pageSize, pageToken));
  }

  @Override
  public Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    return hook.around(MailOperation.UPDATE_DRAFT, () -> operations.updateDraft(mailbox, draftId, message));
  }

  @Override
  public Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    return hook.around(MailOperation.DELETE_DRAFT, () -> operations.deleteDraft(mailbox, draftId));
  }

  @Override
  public Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    return hook.around(MailOperation.SEND_DRAFT, () -> operations.sendDraft(mailbox, draftId, claim));
  }

  @Override
  public Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return hook.around(MailOperation.LIST_LABELS, () -> operations.listLabels(mailbox));
  }

  @Override
  public Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    return hook.around(MailOperation.MODIFY, () -> operations.modify(mailbox, messageId, addLabelIds, removeLabelIds));
  }

  @Override
  public Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return hook.around(MailOperation.TRASH, () -> operations.trash(mailbox, messageId));
  }

  @Override
  public Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return hook.around(MailOperation.UNTRASH, () -> operations.untrash(mailbox, messageId));
  }
}
