package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.AttachmentInfo;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.mail.SendClaim;
import dev.mailgate.server.mail.SendService;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.mail.ThreadDetail;
import dev.mailgate.server.provider.outlook.GraphClient.Call;
import io.vertx.core.Future;
import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.OutboundTimeouts;
import io.vertx.core.Vertx;
import dev.mailgate.server.BlockingPool;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outlook mailboxes through Microsoft Graph v1.0 REST with the non-blocking Vert.x WebClient.
 * Folders are labels ({@link GraphLabels}), conversations are threads, sends go as MIME drafts
 * with immutable ids that are then sent ({@link GraphSending}), replies carry In-Reply-To and
 * References.
 */
public final class OutlookProvider implements MailProvider {

  public static final String GRAPH_ROOT_URL = "https://graph.microsoft.com";
  /** Outlook categories are labels with this prefix: "category:Red category". */
  static final String CATEGORY = "category:";

  private final GraphClient graph;
  private final GraphFolders folderLabels;
  private final BlockingPool mime;
  private final GraphSending sending;

  /**
   * Graph at {@code rootUrl} through {@code http}; every attempt within {@code timeouts}; at most
   * {@code bounds.providerQueue()} requests waiting per mailbox and {@code bounds.cacheEntries()}
   * mailboxes' folder ids cached.
   */
  public OutlookProvider(Vertx vertx, WebClient http, String rootUrl, OutboundTimeouts timeouts, MemoryBounds bounds) {
    this.graph = new GraphClient(vertx, http, rootUrl, timeouts, bounds.providerQueue());
    this.folderLabels = new GraphFolders(graph, bounds.cacheEntries());
    this.mime = new BlockingPool(vertx, SendService.MIME_POOL, SendService.MIME_THREADS, SendService.MIME_QUEUE);
    this.sending = new GraphSending(graph, mime);
  }

  /** The Graph client this provider calls through (its per-mailbox limit is shared with the change feed). */
  GraphClient graph() {
    return graph;
  }

  /** The well-known folder ids of each mailbox, as labels. */
  GraphFolders folderLabels() {
    return folderLabels;
  }

  @Override
  public Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds, int pageSize,
      Optional<String> pageToken) {
    GraphQuery parsed = GraphQuery.parse(query, labelIds);
    Call call;
    if (pageToken.isPresent()) {
      call = Call.get(pageToken.get(), Map.of());
    } else {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("$top", Integer.toString(pageSize));
      params.put("$select", GraphMessages.SUMMARY_FIELDS);
      if (!parsed.search().isEmpty()) {
        params.put("$search", "\"" + parsed.search().replace("\"", "\\\"") + "\"");
      } else {
        params.put("$orderby", "receivedDateTime desc");
        if (!parsed.filter().isEmpty()) {
          // Graph wants the ordered property first in a filter that comes with $orderby.
          params.put("$filter", "receivedDateTime ge 1900-01-01T00:00:00Z and " + parsed.filter());
        }
      }
      String path = parsed.folder().map(f -> GraphPaths.folder(f) + "/messages").orElse("/v1.0/me/messages");
      call = Call.get(path, params);
    }
    boolean checkLocally = !parsed.search().isEmpty();
    return folderLabels.of(mailbox).compose(labels -> graph.json(mailbox, call).map(page -> {
      List<MessageSummary> found = new ArrayList<>();
      page.getJsonArray("value", new JsonArray()).forEach(m -> {
        JsonObject message = (JsonObject) m;
        if (!checkLocally || parsed.accepts(message)) {
          found.add(GraphMessages.summary(message, labels));
        }
      });
      return new Page<>(found, Optional.ofNullable(page.getString("@odata.nextLink")));
    }));
  }

  @Override
  public Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view) {
    String path = GraphPaths.message(messageId);
    if (view == MessageView.RAW) {
      return folderLabels.of(mailbox).compose(labels -> graph.json(mailbox, Call.get(path, Map.of("$select", GraphMessages.SUMMARY_FIELDS)))
          .compose(message -> graph.send(mailbox, Call.get(path + "/$value", Map.of()))
              .map(raw -> new MessageDetail(GraphMessages.summary(message, labels), List.of(), List.of(), List.of(), "", "",
                  List.of(), raw.body().getBytes(), message.getString("internetMessageId", "")))));
    }
    Map<String, String> select = Map.of("$select", GraphMessages.SUMMARY_FIELDS + ",body,internetMessageHeaders");
    Future<JsonObject> message = graph.json(mailbox, Call.get(path, select));
    if (view == MessageView.METADATA) {
      return folderLabels.of(mailbox).compose(labels -> message.map(m -> {
        MessageDetail full = GraphMessages.detail(m, "", "", List.of(), labels);
        return new MessageDetail(full.summary(), full.headers(), full.cc(), full.bcc(), "", "", List.of(), new byte[0],
            full.rfc822MessageId());
      }));
    }
    // Graph's JSON has one body (HTML, or text converted from it); the MIME has the real alternatives.
    Future<OutgoingMessage> bodies = graph.send(mailbox, Call.get(path + "/$value", Map.of()))
        .map(raw -> MimeReader.toOutgoing(raw.body().getBytes()));
    Future<List<AttachmentInfo>> attachments = attachments(mailbox, messageId);
    return folderLabels.of(mailbox).compose(labels -> Future.all(message, bodies, attachments).map(all ->
        GraphMessages.detail(message.result(), bodies.result().textBody(), bodies.result().htmlBody(),
            attachments.result(), labels)));
  }

  private Future<List<AttachmentInfo>> attachments(MailboxCredential mailbox, String messageId) {
    return graph.json(mailbox, Call.get(GraphPaths.message(messageId) + "/attachments",
            Map.of("$select", "id,name,contentType,size,isInline,contentId")))
        .map(page -> {
          List<AttachmentInfo> list = new ArrayList<>();
          page.getJsonArray("value", new JsonArray()).forEach(a -> list.add(GraphMessages.attachment((JsonObject) a)));
          return list;
        });
  }

  @Override
  public Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId) {
    return graph.json(mailbox, Call.get(GraphPaths.attachment(messageId, attachmentId), Map.of()))
        .map(a -> new AttachmentData(a.getString("id"), a.getString("name", ""),
            a.getString("contentType", "application/octet-stream"),
            Base64.getDecoder().decode(a.getString("contentBytes", ""))));
  }

  @Override
  public Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId) {
    return graph.json(mailbox, Call.get("/v1.0/me/messages", Map.of(
            "$filter", "conversationId eq '" + threadId.replace("'", "''") + "'",
            "$select", "id", "$top", "100")))
        .compose(page -> {
          List<Future<MessageDetail>> messages = new ArrayList<>();
          page.getJsonArray("value", new JsonArray())
              .forEach(m -> messages.add(getMessage(mailbox, ((JsonObject) m).getString("id"), MessageView.FULL)));
          return Future.all(messages).map(all -> {
            List<MessageDetail> sorted = new ArrayList<>(messages.stream().map(Future::result).toList());
            sorted.sort(java.util.Comparator.comparing(d -> d.summary().receiveTime()));
            if (sorted.isEmpty()) {
              throw new dev.mailgate.server.error.GatewayException(dev.mailgate.server.error.Reason.MESSAGE_NOT_FOUND,
                  "the thread was not found");
            }
            return new ThreadDetail(threadId, sorted);
          });
        });
  }

  @Override
  public Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader, SendClaim claim) {
    return sending.send(mailbox, message, messageIdHeader, claim);
  }

  @Override
  public Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    return sending.findSent(mailbox, messageIdHeader, claim);
  }

  @Override
  public Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    Future<JsonObject> created = message.replyToMessageId().isBlank()
        ? draftJson(message).compose(json -> graph.json(mailbox, new Call(HttpMethod.POST, "/v1.0/me/messages", Map.of(),
            Map.of(), json)))
        : graph.json(mailbox, new Call(HttpMethod.POST, GraphPaths.message(message.replyToMessageId()) + "/createReply",
                Map.of(), Map.of(), new JsonObject()))
            .compose(reply -> patchDraft(mailbox, reply.getString("id"), message).map(reply));
    return created.compose(draft -> getDraft(mailbox, draft.getString("id")));
  }

  @Override
  public Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    return graph.send(mailbox, Call.get(GraphPaths.message(draftId) + "/$value", Map.of()))
        .compose(raw -> graph.json(mailbox, Call.get(GraphPaths.message(draftId),
                Map.of("$select", "id,conversationId,internetMessageId,isDraft,lastModifiedDateTime")))
            .map(meta -> {
              if (!meta.getBoolean("isDraft", false)) {
                throw new dev.mailgate.server.error.GatewayException(dev.mailgate.server.error.Reason.MESSAGE_NOT_FOUND,
                    "the draft was not found");
              }
              byte[] mime = raw.body().getBytes();
              return new DraftDetail(draftId, MimeReader.toOutgoing(mime), draftId, meta.getString("conversationId", ""),
                  Instant.parse(meta.getString("lastModifiedDateTime", Instant.now().toString())),
                  meta.getString("internetMessageId", MimeReader.messageIdOf(mime)));
            }));
  }

  @Override
  public Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    Call call = pageToken.map(token -> Call.get(token, Map.of())).orElse(Call.get("/v1.0/me/mailFolders/drafts/messages",
        Map.of("$select", "id", "$top", Integer.toString(pageSize))));
    return graph.json(mailbox, call).compose(page -> {
      List<Future<DraftDetail>> drafts = new ArrayList<>();
      page.getJsonArray("value", new JsonArray()).forEach(d -> drafts.add(getDraft(mailbox, ((JsonObject) d).getString("id"))));
      return Future.all(drafts).map(all -> new Page<>(drafts.stream().map(Future::result).toList(),
          Optional.ofNullable(page.getString("@odata.nextLink"))));
    });
  }

  @Override
  public Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    return patchDraft(mailbox, draftId, message).compose(patched -> getDraft(mailbox, draftId));
  }

  /** The draft's JSON; its attachments' base64 is built on the MIME pool, not an event loop. */
  private Future<JsonObject> draftJson(OutgoingMessage message) {
    return mime.run(() -> GraphMessages.draft(message));
  }

  private Future<Void> patchDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    return draftJson(message).compose(content -> patchDraft(mailbox, draftId, content));
  }

  private Future<Void> patchDraft(MailboxCredential mailbox, String draftId, JsonObject content) {
    JsonArray attachments = (JsonArray) content.remove("attachments");
    Future<JsonObject> patched = graph.json(mailbox, new Call(HttpMethod.PATCH, GraphPaths.message(draftId),
        Map.of(), Map.of(), content));
    if (attachments == null) {
      return patched.mapEmpty();
    }
    return patched.compose(p -> Future.all(attachments.stream().map(a -> graph.json(mailbox, new Call(HttpMethod.POST,
        GraphPaths.message(draftId) + "/attachments", Map.of(), Map.of(), (JsonObject) a))).toList())).mapEmpty();
  }

  @Override
  public Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    return getDraft(mailbox, draftId).compose(draft ->
        graph.send(mailbox, new Call(HttpMethod.DELETE, GraphPaths.message(draftId), Map.of(), Map.of(), null))).mapEmpty();
  }

  @Override
  public Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    return sending.sendDraft(mailbox, draftId, claim);
  }

  @Override
  public Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return folderLabels.of(mailbox).compose(labels -> graph.json(mailbox, Call.get("/v1.0/me/mailFolders", Map.of("$top", "100")))
        .map(page -> {
          List<LabelInfo> result = new ArrayList<>();
          page.getJsonArray("value", new JsonArray()).forEach(f -> {
            JsonObject folder = (JsonObject) f;
            String system = labels.get(folder.getString("id"));
            result.add(new LabelInfo(system != null ? system : folder.getString("id"), folder.getString("displayName", ""),
                system != null, folder.getInteger("unreadItemCount", 0), folder.getInteger("totalItemCount", 0)));
          });
          result.add(new LabelInfo("UNREAD", "Unread", true, 0, 0));
          result.add(new LabelInfo("STARRED", "Flagged", true, 0, 0));
          return result;
        }))
        .compose(folders -> graph.json(mailbox, Call.get("/v1.0/me/outlook/masterCategories", Map.of()))
            .map(categories -> {
              List<LabelInfo> all = new ArrayList<>(folders);
              categories.getJsonArray("value", new JsonArray()).forEach(c -> {
                String name = ((JsonObject) c).getString("displayName", "");
                all.add(new LabelInfo(CATEGORY + name, name, false, 0, 0));
              });
              return all;
            }));
  }

  @Override
  public Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    GraphLabelChange change = GraphLabelChange.of(addLabelIds, removeLabelIds);
    JsonObject patch = change.patch();
    List<String> addCategories = change.addCategories();
    List<String> removeCategories = change.removeCategories();
    Future<Void> categorized = addCategories.isEmpty() && removeCategories.isEmpty() ? Future.succeededFuture()
        : graph.json(mailbox, Call.get(GraphPaths.message(messageId), Map.of("$select", "categories")))
            .map(current -> {
              List<String> categories = new ArrayList<>();
              current.getJsonArray("categories", new JsonArray()).forEach(c -> categories.add((String) c));
              categories.removeAll(removeCategories);
              addCategories.stream().filter(c -> !categories.contains(c)).forEach(categories::add);
              patch.put("categories", new JsonArray(categories));
              return null;
            });
    Future<JsonObject> patched = categorized.compose(v -> patch.isEmpty() ? Future.succeededFuture(new JsonObject())
        : graph.json(mailbox, new Call(HttpMethod.PATCH, GraphPaths.message(messageId), Map.of(), Map.of(), patch)));
    return patched.compose(p -> change.moveTo().map(folder -> move(mailbox, messageId, folder))
        .orElseGet(() -> summary(mailbox, messageId)));
  }

  @Override
  public Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return move(mailbox, messageId, "deleteditems");
  }

  @Override
  public Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return move(mailbox, messageId, "inbox");
  }

  private Future<MessageSummary> move(MailboxCredential mailbox, String messageId, String folder) {
    return graph.json(mailbox, new Call(HttpMethod.POST, GraphPaths.message(messageId) + "/move", Map.of(), Map.of(),
            new JsonObject().put("destinationId", folder)))
        .compose(moved -> summary(mailbox, moved.getString("id", messageId)));
  }

  private Future<MessageSummary> summary(MailboxCredential mailbox, String messageId) {
    return folderLabels.of(mailbox).compose(labels -> graph.json(mailbox, Call.get(GraphPaths.message(messageId),
        Map.of("$select", GraphMessages.SUMMARY_FIELDS))).map(m -> GraphMessages.summary(m, labels)));
  }


}
