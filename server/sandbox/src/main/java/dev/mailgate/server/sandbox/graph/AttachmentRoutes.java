package dev.mailgate.server.sandbox.graph;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code messages/{id}/attachments}: list, get (JSON or {@code $value}), add a file attachment, delete. */
final class AttachmentRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "/messages/:id/attachments", this::list);
    routes.add("POST", "/messages/:id/attachments", this::add);
    routes.add("GET", "/messages/:id/attachments/:attachmentId", this::get);
    routes.add("GET", "/messages/:id/attachments/:attachmentId/$value", this::bytes);
    routes.add("DELETE", "/messages/:id/attachments/:attachmentId", this::delete);
  }

  private void list(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 200, mailbox.locked(() -> {
      GraphMessage message = mailbox.message(ctx.pathParam("id"));
      JsonArray value = new JsonArray();
      message.attachments.forEach(a -> value.add(MessageJson.attachment(a)));
      return new JsonObject().put("@odata.context", context(ctx, mailbox, message)).put("value", value);
    }));
  }

  private void get(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 200, mailbox.locked(() -> {
      GraphMessage message = mailbox.message(ctx.pathParam("id"));
      return new JsonObject().put("@odata.context", context(ctx, mailbox, message) + "/$entity")
          .mergeIn(MessageJson.attachment(attachment(message, ctx.pathParam("attachmentId"))));
    }));
  }

  private void bytes(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    FileAttachment attachment = mailbox.locked(
        () -> attachment(mailbox.message(ctx.pathParam("id")), ctx.pathParam("attachmentId")));
    ctx.response().setStatusCode(200).putHeader("content-type", attachment.contentType())
        .end(Buffer.buffer(attachment.bytes()));
  }

  /** Adds a file attachment (to a draft, usually); 201 with the attachment. */
  private void add(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    FileAttachment attachment = MessageInput.attachment(RequestBodies.json(ctx), mailbox.now());
    Odata.json(ctx, 201, mailbox.locked(() -> {
      GraphMessage message = mailbox.message(ctx.pathParam("id"));
      message.attachments.add(attachment);
      message.contentChanged();
      mailbox.updated(message);
      return new JsonObject().put("@odata.context", context(ctx, mailbox, message) + "/$entity")
          .mergeIn(MessageJson.attachment(attachment));
    }));
  }

  private void delete(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    mailbox.locked(() -> {
      GraphMessage message = mailbox.message(ctx.pathParam("id"));
      message.attachments.remove(attachment(message, ctx.pathParam("attachmentId")));
      message.contentChanged();
      mailbox.updated(message);
      return null;
    });
    Odata.noContent(ctx);
  }

  private static FileAttachment attachment(GraphMessage message, String attachmentId) {
    if (!Ids.isWellFormed(attachmentId)) {
      throw GraphException.malformedId();
    }
    return message.attachments.stream().filter(a -> a.id().equals(attachmentId)).findFirst()
        .orElseThrow(GraphException::itemNotFound);
  }

  private static String context(RoutingContext ctx, Mailbox mailbox, GraphMessage message) {
    return Odata.context(ctx, mailbox, "messages('" + message.id + "')/attachments");
  }
}
