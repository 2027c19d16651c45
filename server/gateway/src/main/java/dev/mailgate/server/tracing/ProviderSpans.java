package dev.mailgate.server.tracing;

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
import java.util.function.Supplier;

/**
 * A provider's mail operations, each one a provider call ({@link ProviderCalls}): inside a traced
 * call, a CLIENT span such as {@code gmail getMessage}.
 */
final class ProviderSpans implements MailProvider {

  private final String provider;
  private final MailProvider operations;

  ProviderSpans(ProviderKind kind, MailProvider operations) {
    this.provider = kind.key();
    this.operations = operations;
  }

  private <T> Future<T> traced(String operation, Supplier<Future<T>> call) {
    return ProviderCalls.traced(provider, operation, call);
  }

  @Override
  public Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds,
      int pageSize, Optional<String> pageToken) {
    return traced("search", () -> operations.search(mailbox, query, labelIds, pageSize, pageToken));
  }

  @Override
  public Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view) {
    return traced("getMessage", () -> operations.getMessage(mailbox, messageId, view));
  }

  @Override
  public Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId) {
    return traced("getAttachment", () -> operations.getAttachment(mailbox, messageId, attachmentId));
  }

  @Override
  public Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId) {
    return traced("getThread", () -> operations.getThread(mailbox, threadId));
  }

  @Override
  public Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader,
      SendClaim claim) {
    return traced("send", () -> operations.send(mailbox, message, messageIdHeader, claim));
  }

  @Override
  public Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    return traced("findSent", () -> operations.findSent(mailbox, messageIdHeader, claim));
  }

  @Override
  public Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    return traced("createDraft", () -> operations.createDraft(mailbox, message));
  }

  @Override
  public Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    return traced("getDraft", () -> operations.getDraft(mailbox, draftId));
  }

  @Override
  public Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    return traced("listDrafts", () -> operations.listDrafts(mailbox, pageSize, pageToken));
  }

  @Override
  public Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    return traced("updateDraft", () -> operations.updateDraft(mailbox, draftId, message));
  }

  @Override
  public Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    return traced("deleteDraft", () -> operations.deleteDraft(mailbox, draftId));
  }

  @Override
  public Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    return traced("sendDraft", () -> operations.sendDraft(mailbox, draftId, claim));
  }

  @Override
  public Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return traced("listLabels", () -> operations.listLabels(mailbox));
  }

  @Override
  public Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    return traced("modify", () -> operations.modify(mailbox, messageId, addLabelIds, removeLabelIds));
  }

  @Override
  public Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return traced("trash", () -> operations.trash(mailbox, messageId));
  }

  @Override
  public Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return traced("untrash", () -> operations.untrash(mailbox, messageId));
  }
}
