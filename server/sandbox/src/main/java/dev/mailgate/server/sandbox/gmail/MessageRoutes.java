package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.sandbox.gmail.Exchange.json;
import static dev.mailgate.server.sandbox.gmail.Exchange.noContent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code users.messages} and {@code users.messages.attachments}. */
final class MessageRoutes {

  private final Mailboxes mailboxes;

  MessageRoutes(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  void register(RouteTable routes, UploadRoutes uploads) {
    routes.add("GET", "/messages", this::list);
    routes.add("POST", "/messages/send", ctx -> send(ctx, Gate.mailbox(ctx), null, RequestBodies.json(ctx), null));
    uploads.target("POST", "/messages/send", this::send);
    routes.add("POST", "/messages/batchModify", this::batchModify);
    routes.add("POST", "/messages/batchDelete", this::batchDelete);
    routes.add("GET", "/messages/:id", this::get);
    routes.add("DELETE", "/messages/:id", ctx -> {
      Gate.mailbox(ctx).delete(ctx.pathParam("id"));
      noContent(ctx);
    });
    routes.add("POST", "/messages/:id/modify", this::modify);
    routes.add("POST", "/messages/:id/trash", ctx -> answer(ctx, Gate.mailbox(ctx).trash(ctx.pathParam("id"))));
    routes.add("POST", "/messages/:id/untrash", ctx -> answer(ctx, Gate.mailbox(ctx).untrash(ctx.pathParam("id"))));
    routes.add("GET", "/messages/:id/attachments/:attachmentId", this::attachment);
  }

  private void list(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    List<StoredMessage> found = mailbox.search(MessageQuery.parse(Exchange.param(ctx, "q")),
        Exchange.params(ctx, "labelIds"), Exchange.flag(ctx, "includeSpamTrash"));
    Exchange.Page<StoredMessage> page = Exchange.Page.of(found, ctx);
    JsonArray messages = new JsonArray();
    page.items().forEach(m -> messages.add(MessageViews.reference(m)));
    json(ctx, page.into(new JsonObject(), "messages", messages).put("resultSizeEstimate", found.size()));
  }

  private void get(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String format = MessageViews.format(Exchange.param(ctx, "format"));
    List<String> headers = Exchange.params(ctx, "metadataHeaders");
    json(ctx, mailbox.read(() -> MessageViews.message(mailbox.message(ctx.pathParam("id")), format, headers)));
  }

  private void attachment(RoutingContext ctx) {
    StoredMessage message = Gate.mailbox(ctx).message(ctx.pathParam("id"));
    PayloadPart part = MessageViews.partOf(ctx.pathParam("attachmentId"), message.id())
        .flatMap(message.parsed().payload()::find)
        .filter(p -> p.body() != null)
        .orElseThrow(() -> GmailException.invalidArgument("Invalid attachment token"));
    json(ctx, new JsonObject().put("attachmentId", ctx.pathParam("attachmentId")).put("size", part.body().length)
        .put("data", Ids.base64Url(part.body())));
  }

  /** messages.send, from JSON ({@code raw}) or from an upload ({@code media}). */
  private void send(RoutingContext ctx, Mailbox mailbox, String pathId, JsonObject message, byte[] media) {
    byte[] raw = media != null ? media : rawOf(message);
    StoredMessage sent = mailboxes.send(mailbox, raw, Exchange.text(message, "threadId"));
    answer(ctx, sent, mailbox);
  }

  /** The decoded {@code raw} of a Message body; Gmail's 400 when it is missing. */
  static byte[] rawOf(JsonObject message) {
    String raw = Exchange.text(message, "raw");
    if (raw == null || raw.isEmpty()) {
      throw GmailException.invalidArgument(
          "'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    }
    byte[] bytes = Ids.fromBase64Url(raw, "raw");
    Mailboxes.requireSize(bytes);
    return bytes;
  }

  private void modify(RoutingContext ctx) {
    JsonObject body = RequestBodies.json(ctx);
    answer(ctx, Gate.mailbox(ctx).modify(ctx.pathParam("id"), Exchange.strings(body, "addLabelIds"),
        Exchange.strings(body, "removeLabelIds")));
  }

  private void batchModify(RoutingContext ctx) {
    JsonObject body = RequestBodies.json(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    List<String> add = Exchange.strings(body, "addLabelIds");
    List<String> remove = Exchange.strings(body, "removeLabelIds");
    mailbox.read(() -> {
      for (String id : Exchange.strings(body, "ids")) {
        mailbox.modify(id, add, remove);
      }
      return null;
    });
    noContent(ctx);
  }

  private void batchDelete(RoutingContext ctx) {
    JsonObject body = RequestBodies.json(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    mailbox.read(() -> {
      for (String id : Exchange.strings(body, "ids")) {
        try {
          mailbox.delete(id);
        } catch (GmailException alreadyGone) {
          // batchDelete promises nothing about ids that do not exist
        }
      }
      return null;
    });
    noContent(ctx);
  }

  private static void answer(RoutingContext ctx, StoredMessage message) {
    answer(ctx, message, Gate.mailbox(ctx));
  }

  private static void answer(RoutingContext ctx, StoredMessage message, Mailbox mailbox) {
    json(ctx, mailbox.read(() -> MessageViews.labelled(message)));
  }
}
