package dev.mailgate.server.tracing;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.mail.SendClaim;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.mail.ThreadDetail;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.ProviderKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A provider's mail operations, each making a CLIENT span ({@code gmail getMessage}) under the
 * call's span, with the provider, the operation and, if it failed, the gateway reason it failed
 * with: never a mailbox, address, query, message id or credential. The span is started and ended
 * on the calling event loop around the operation's future, so it covers the wait for a worker of
 * a blocking client (Gmail, Jakarta Mail) as well as the work, and needs no context carried onto
 * the worker. Outside a traced call (the mailbox watcher's background reads) nothing is made.
 */
final class ProviderSpans implements MailProvider {

  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("mailgate.provider");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("mailgate.provider.operation");

  private final Tracer tracer;
  private final String provider;
  private final MailProvider operations;

  ProviderSpans(Tracer tracer, ProviderKind kind, MailProvider operations) {
    this.tracer = tracer;
    this.provider = kind.key();
    this.operations = operations;
  }

  private <T> Future<T> traced(String operation, Supplier<Future<T>> call) {
    // The call's span, as CallSpans made it active on this Vert.x context (null off a Vert.x thread).
    Context parent = VertxContextStorage.INSTANCE.current();
    if (parent == null || !Span.fromContext(parent).getSpanContext().isValid()) {
      return call.get();
    }
    Span span = tracer.spanBuilder(provider + " " + operation)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(PROVIDER, provider)
        .setAttribute(OPERATION, operation)
        .startSpan();
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      failed(span, e);
      throw e;
    }
    return result.andThen(done -> {
      if (done.failed()) {
        failed(span, done.cause());
      } else {
        span.end();
      }
    });
  }

  private static void failed(Span span, Throwable failure) {
    String reason = failure instanceof GatewayException gateway ? gateway.reason().name()
        : failure instanceof ProviderUnauthorizedException ? "PROVIDER_UNAUTHORIZED" : failure.getClass().getSimpleName();
    span.setAttribute(CallSpans.ERROR_TYPE, reason);
    span.setStatus(StatusCode.ERROR, reason);
    span.end();
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
