package dev.mailgate.server.api;

import com.google.protobuf.Empty;
import dev.mailgate.proto.v1.Attachment;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.DeleteDraftRequest;
import dev.mailgate.proto.v1.Draft;
import dev.mailgate.proto.v1.GetAttachmentRequest;
import dev.mailgate.proto.v1.GetDraftRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.GetThreadRequest;
import dev.mailgate.proto.v1.ListDraftsRequest;
import dev.mailgate.proto.v1.ListDraftsResponse;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.ListLabelsResponse;
import dev.mailgate.proto.v1.MailServiceGrpcService;
import dev.mailgate.proto.v1.Message;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.proto.v1.ModifyMessageRequest;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SearchMessagesResponse;
import dev.mailgate.proto.v1.SendDraftRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.proto.v1.Thread;
import dev.mailgate.proto.v1.TrashMessageRequest;
import dev.mailgate.proto.v1.UntrashMessageRequest;
import dev.mailgate.proto.v1.UpdateDraftRequest;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.mail.CombinedSearch;
import dev.mailgate.server.mail.MailboxAccess;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.SendService;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.store.ConnectionRecord;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.util.List;

/**
 * mailgate.v1.MailService. Every RPC goes through {@link MailboxAccess}, which checks that the
 * connection belongs to the user named in the request before it touches the mailbox; the event
 * calls are {@link EventApi}'s, bound here so that the service has one binding.
 */
public final class MailApi {

  /** Sends and drafts may carry up to 25 MB of attachments (plus base64 and MIME overhead). */
  public static final int MAX_MESSAGE_BYTES = 36 * 1024 * 1024;

  private final MailboxAccess access;
  private final CombinedSearch search;
  private final SendService sender;
  private final EventApi events;

  public MailApi(MailboxAccess access, CombinedSearch search, SendService sender, EventApi events) {
    this.access = access;
    this.search = search;
    this.sender = sender;
    this.events = events;
  }

  public Service service(RpcBinder binder) {
    return binder.service(MailServiceGrpcService.SERVICE_NAME, MailServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(MailServiceGrpcService.SearchMessages, this::searchMessages)
        .unary(MailServiceGrpcService.GetMessage, this::getMessage)
        .unary(MailServiceGrpcService.GetAttachment, this::getAttachment)
        .unary(MailServiceGrpcService.GetThread, this::getThread)
        .unary(MailServiceGrpcService.SendMessage, MAX_MESSAGE_BYTES, this::sendMessage)
        .unary(MailServiceGrpcService.CreateDraft, MAX_MESSAGE_BYTES, this::createDraft)
        .unary(MailServiceGrpcService.GetDraft, this::getDraft)
        .unary(MailServiceGrpcService.ListDrafts, this::listDrafts)
        .unary(MailServiceGrpcService.UpdateDraft, MAX_MESSAGE_BYTES, this::updateDraft)
        .unary(MailServiceGrpcService.DeleteDraft, this::deleteDraft)
        .unary(MailServiceGrpcService.SendDraft, this::sendDraft)
        .unary(MailServiceGrpcService.ListLabels, this::listLabels)
        .unary(MailServiceGrpcService.ModifyMessage, this::modifyMessage)
        .unary(MailServiceGrpcService.TrashMessage, this::trashMessage)
        .unary(MailServiceGrpcService.UntrashMessage, this::untrashMessage)
        .unary(MailServiceGrpcService.ListMailboxEvents, events::listMailboxEvents)
        .serverStreaming(MailServiceGrpcService.WatchMailbox, events::watchMailbox)
        .serverStreaming(MailServiceGrpcService.WatchTenant, events::watchTenant)
        .build();
  }

  /**
   * The page token holds where each searched connection's listing stands; it is bound to the user,
   * the connection named ({@code "-"}: all of the user's), the connections searched, the query and
   * the labels, so a token of one connection is refused on "-" even when that is the user's only one.
   */
  Future<SearchMessagesResponse> searchMessages(Caller caller, SearchMessagesRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).required("connection_id", request.getConnectionId())
        .providerIds("label_ids", request.getLabelIdsList()).pageSize(request.getPageSize()).orThrow();
    int pageSize = PageSize.MAILBOX.of(request.getPageSize());
    if (!request.getConnectionId().equals("-")) {
      return access.read(caller.tenant(), request.getUserId(), request.getConnectionId(),
          connection -> searchPage(caller, request, pageSize, List.of(connection)));
    }
    return access.active(caller.tenant(), request.getUserId())
        .map(all -> all.stream().filter(c -> caller.agent().map(grant -> grant.allows(c.id())).orElse(true)).toList())
        .compose(searched -> searchPage(caller, request, pageSize, searched));
  }

  private Future<SearchMessagesResponse> searchPage(Caller caller, SearchMessagesRequest request, int pageSize,
      List<ConnectionRecord> searched) {
    PageTokens tokens = PageTokens.of(caller.tenant(), "SearchMessages", request.getUserId(),
        request.getConnectionId(), searched.stream().map(c -> c.id().toString()).sorted().toList(),
        request.getQuery(), request.getLabelIdsList());
    return tokens.open(request.getPageToken())
        .compose(position -> search.search(caller.tenant(), searched, request.getQuery(), request.getLabelIdsList(),
            pageSize, position))
        .compose(results -> tokens.next(results.nextPosition()).map(next -> {
          SearchMessagesResponse.Builder response = SearchMessagesResponse.newBuilder().setNextPageToken(next);
          results.messages().forEach(found -> response.addMessages(MailProtos.summary(found.connection(), found.summary())));
          return response.build();
        }));
  }

  Future<Message> getMessage(Caller caller, GetMessageRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("message_id", request.getMessageId()).orThrow();
    MessageView view = switch (request.getView()) {
      case MESSAGE_VIEW_METADATA -> MessageView.METADATA;
      case MESSAGE_VIEW_RAW -> MessageView.RAW;
      default -> MessageView.FULL;
    };
    return readOnConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.getMessage(mailbox, request.getMessageId(), view).map(m -> MailProtos.message(connection, m)));
  }

  Future<Attachment> getAttachment(Caller caller, GetAttachmentRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("message_id", request.getMessageId())
        .providerId("attachment_id", request.getAttachmentId()).orThrow();
    return readOnConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.getAttachment(mailbox, request.getMessageId(), request.getAttachmentId()).map(MailProtos::attachment));
  }

  Future<Thread> getThread(Caller caller, GetThreadRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("thread_id", request.getThreadId()).orThrow();
    return readOnConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.getThread(mailbox, request.getThreadId()).map(t -> MailProtos.thread(connection, t)));
  }

  Future<SendMessageResponse> sendMessage(Caller caller, SendMessageRequest request) {
    FieldChecks checks = checks(request.getUserId(), request.getConnectionId());
    requestId(checks, request.getRequestId());
    content(checks, "content", request.getContent(), true).orThrow();
    // Up to 36 MiB: the send service copies it into domain types and hashes it on its MIME pool, not here.
    return sender.sendMessage(caller.tenant(), request.getUserId(), request.getConnectionId(), request.getRequestId(),
            () -> new SendService.Payload(MailProtos.outgoing(request.getContent()),
                request.getContent().toByteString().toByteArray()))
        .map(MailApi::sent);
  }

  Future<Draft> createDraft(Caller caller, CreateDraftRequest request) {
    FieldChecks checks = checks(request.getUserId(), request.getConnectionId());
    content(checks, "content", request.getContent(), false).orThrow();
    return onConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.createDraft(mailbox, MailProtos.outgoing(request.getContent())).map(d -> MailProtos.draft(connection, d)));
  }

  Future<Draft> getDraft(Caller caller, GetDraftRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("draft_id", request.getDraftId()).orThrow();
    return readOnConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.getDraft(mailbox, request.getDraftId()).map(d -> MailProtos.draft(connection, d)));
  }

  /** The page token holds the provider's own page token. */
  Future<ListDraftsResponse> listDrafts(Caller caller, ListDraftsRequest request) {
    checks(request.getUserId(), request.getConnectionId()).pageSize(request.getPageSize()).orThrow();
    int pageSize = PageSize.MAILBOX.of(request.getPageSize());
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListDrafts", request.getUserId(), request.getConnectionId());
    return readOnConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        tokens.open(request.getPageToken())
            .compose(token -> provider.listDrafts(mailbox, pageSize, token))
            .compose(page -> tokens.next(page.nextPageToken()).map(next -> ListDraftsResponse.newBuilder()
                .addAllDrafts(page.items().stream().map(d -> MailProtos.draft(connection, d)).toList())
                .setNextPageToken(next)
                .build())));
  }

  Future<Draft> updateDraft(Caller caller, UpdateDraftRequest request) {
    FieldChecks checks = checks(request.getUserId(), request.getConnectionId()).providerId("draft_id", request.getDraftId());
    content(checks, "content", request.getContent(), false).orThrow();
    return onConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.updateDraft(mailbox, request.getDraftId(), MailProtos.outgoing(request.getContent()))
            .map(d -> MailProtos.draft(connection, d)));
  }

  Future<Empty> deleteDraft(Caller caller, DeleteDraftRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("draft_id", request.getDraftId()).orThrow();
    return access.withMailbox(caller.tenant(), request.getUserId(), request.getConnectionId(), (provider, mailbox) ->
        provider.deleteDraft(mailbox, request.getDraftId()).map(Empty.getDefaultInstance()));
  }

  Future<SendMessageResponse> sendDraft(Caller caller, SendDraftRequest request) {
    FieldChecks checks = checks(request.getUserId(), request.getConnectionId()).providerId("draft_id", request.getDraftId());
    requestId(checks, request.getRequestId()).orThrow();
    return sender.sendDraft(caller.tenant(), request.getUserId(), request.getConnectionId(), request.getDraftId(),
        request.getRequestId()).map(MailApi::sent);
  }

  Future<ListLabelsResponse> listLabels(Caller caller, ListLabelsRequest request) {
    checks(request.getUserId(), request.getConnectionId()).orThrow();
    return readOnConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.listLabels(mailbox).map(labels -> ListLabelsResponse.newBuilder()
            .addAllLabels(labels.stream().map(MailProtos::label).toList()).build()));
  }

  Future<MessageSummary> modifyMessage(Caller caller, ModifyMessageRequest request) {
    FieldChecks checks = checks(request.getUserId(), request.getConnectionId()).providerId("message_id", request.getMessageId())
        .providerIds("add_label_ids", request.getAddLabelIdsList())
        .providerIds("remove_label_ids", request.getRemoveLabelIdsList());
    if (request.getAddLabelIdsCount() == 0 && request.getRemoveLabelIdsCount() == 0) {
      checks.add(new dev.mailgate.server.error.FieldViolation("add_label_ids", "add_label_ids or remove_label_ids must name a label"));
    }
    checks.orThrow();
    return onConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.modify(mailbox, request.getMessageId(), request.getAddLabelIdsList(), request.getRemoveLabelIdsList())
            .map(s -> MailProtos.summary(connection, s)));
  }

  Future<MessageSummary> trashMessage(Caller caller, TrashMessageRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("message_id", request.getMessageId()).orThrow();
    return onConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.trash(mailbox, request.getMessageId()).map(s -> MailProtos.summary(connection, s)));
  }

  Future<MessageSummary> untrashMessage(Caller caller, UntrashMessageRequest request) {
    checks(request.getUserId(), request.getConnectionId()).providerId("message_id", request.getMessageId()).orThrow();
    return onConnection(caller, request.getUserId(), request.getConnectionId(), (connection, provider, mailbox) ->
        provider.untrash(mailbox, request.getMessageId()).map(s -> MailProtos.summary(connection, s)));
  }

  /** An operation that also needs the connection (to name it in the answer). */
  @FunctionalInterface
  private interface OnConnection<T> {
    Future<T> run(ConnectionRecord connection, dev.mailgate.server.mail.MailProvider provider,
        dev.mailgate.server.mail.MailboxCredential mailbox);
  }

  private <T> Future<T> onConnection(Caller caller, String userId, String connectionId, OnConnection<T> operation) {
    return access.owned(caller.tenant(), userId, connectionId).compose(connection ->
        access.run(caller.tenant(), connection, (provider, mailbox) -> operation.run(connection, provider, mailbox)));
  }

  /** A read (no effect at the provider) that also needs the connection: it may start before the ownership query answers. */
  private <T> Future<T> readOnConnection(Caller caller, String userId, String connectionId, OnConnection<T> operation) {
    return access.read(caller.tenant(), userId, connectionId, connection ->
        access.run(caller.tenant(), connection, (provider, mailbox) -> operation.run(connection, provider, mailbox)));
  }

  private static FieldChecks checks(String userId, String connectionId) {
    return new FieldChecks().userId("user_id", userId).required("connection_id", connectionId);
  }

  private static FieldChecks requestId(FieldChecks checks, String requestId) {
    return checks.userId("request_id", requestId);
  }

  private static FieldChecks content(FieldChecks checks, String field, MessageContent content, boolean needsRecipient) {
    if (needsRecipient && content.getToCount() + content.getCcCount() + content.getBccCount() == 0) {
      checks.add(new dev.mailgate.server.error.FieldViolation(field + ".to", "at least one recipient is required"));
    }
    for (int i = 0; i < content.getToCount(); i++) {
      checks.email(field + ".to[" + i + "].address", content.getTo(i).getAddress());
    }
    for (int i = 0; i < content.getCcCount(); i++) {
      checks.email(field + ".cc[" + i + "].address", content.getCc(i).getAddress());
    }
    for (int i = 0; i < content.getBccCount(); i++) {
      checks.email(field + ".bcc[" + i + "].address", content.getBcc(i).getAddress());
    }
    checks.optionalProviderId(field + ".reply_to_message_id", content.getReplyToMessageId());
    for (int i = 0; i < content.getAttachmentsCount(); i++) {
      checks.required(field + ".attachments[" + i + "].filename", content.getAttachments(i).getFilename());
    }
    return checks;
  }

  private static SendMessageResponse sent(SentMessage sent) {
    return SendMessageResponse.newBuilder().setMessageId(sent.messageId()).setThreadId(sent.threadId()).build();
  }
}
