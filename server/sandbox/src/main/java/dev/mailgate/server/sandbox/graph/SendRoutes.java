package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.Replies.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Sending: {@code sendMail} (message JSON, or base64 MIME with {@code Content-Type: text/plain}),
 * {@code messages/{id}/send} for drafts, and {@code reply}, {@code replyAll}, {@code forward}
 * with their {@code create*} twins that leave a draft instead.
 */
final class SendRoutes {

  private final Outbox outbox;

  SendRoutes(Outbox outbox) {
    this.outbox = outbox;
  }

  void register(RouteTable routes) {
    routes.add("POST", "/sendMail", this::sendMail);
    routes.add("POST", "/messages/:id/send", this::sendDraft);
    routes.add("POST", "/messages/:id/reply", ctx -> reply(ctx, Kind.REPLY, false));
    routes.add("POST", "/messages/:id/replyAll", ctx -> reply(ctx, Kind.REPLY_ALL, false));
    routes.add("POST", "/messages/:id/forward", ctx -> reply(ctx, Kind.FORWARD, false));
    routes.add("POST", "/messages/:id/createReply", ctx -> reply(ctx, Kind.REPLY, true));
    routes.add("POST", "/messages/:id/createReplyAll", ctx -> reply(ctx, Kind.REPLY_ALL, true));
    routes.add("POST", "/messages/:id/createForward", ctx -> reply(ctx, Kind.FORWARD, true));
  }

  private void sendMail(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    if (RequestBodies.isMime(ctx)) {
      outbox.file(ctx.vertx(), outbox.submitMime(mailbox, RequestBodies.mime(ctx)));
      Odata.accepted(ctx);
      return;
    }
    JsonObject body = RequestBodies.json(ctx);
    if (!(body.getValue("message") instanceof JsonObject json)) {
      throw GraphException.invalidRequest("The 'message' parameter is required.");
    }
    Object save = body.getValue("saveToSentItems");
    if (save != null && !(save instanceof Boolean) && !(save instanceof String s && s.matches("(?i)true|false"))) {
      throw new GraphException(400, "RequestBodyRead", "Invalid value for parameter 'saveToSentItems'.");
    }
    GraphMessage message = new GraphMessage(Ids.messageId(), mailbox.clock());
    MessageInput.apply(json, message, true);
    outbox.file(ctx.vertx(), outbox.submit(mailbox, message, save == null || Boolean.parseBoolean(save.toString()), null));
    Odata.accepted(ctx);
  }

  /**
   * Sends a draft: it leaves Drafts at once (a second send, or a GET by its id, is 404 from then
   * on) and its copy lands in Sent Items when filed, under the same id if the draft was created
   * with an immutable id.
   */
  private void sendDraft(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String id = ctx.pathParam("id");
    Outbox.Submission submission = mailbox.locked(() -> {
      GraphMessage draft = mailbox.message(id);
      if (!draft.draft) {
        throw GraphException.invalidRequest("Only a draft can be sent; this message was sent or received already.");
      }
      Outbox.Submission checked = outbox.submit(mailbox, draft.copy(draft.id), true, draft.immutableId ? draft.id : null);
      mailbox.delete(id);
      return checked;
    });
    outbox.file(ctx.vertx(), submission);
    Odata.accepted(ctx);
  }

  /** reply, replyAll, forward (sent, 202) and their create* forms (a draft, 201). */
  private void reply(RoutingContext ctx, Kind kind, boolean draftOnly) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject body = RequestBodies.optionalJson(ctx);
    Object comment = body.getValue("comment");
    Object message = body.getValue("message");
    if ((comment != null && !(comment instanceof String)) || (message != null && !(message instanceof JsonObject))) {
      throw new GraphException(400, "RequestBodyRead", "Invalid value for parameter 'comment' or 'message'.");
    }
    if (comment != null && message instanceof JsonObject m && m.containsKey("body")) {
      throw GraphException.invalidRequest("Specify either a comment or the body property of the message parameter, "
          + "not both.");
    }
    GraphMessage reply = mailbox.locked(() -> Replies.of(kind, mailbox.message(ctx.pathParam("id")), mailbox,
        (String) comment));
    if (body.getValue("toRecipients") instanceof JsonArray to) {
      MessageInput.apply(new JsonObject().put("toRecipients", to), reply, false);
    }
    if (message != null) {
      MessageInput.apply((JsonObject) message, reply, true);
    }
    if (!draftOnly) {
      outbox.file(ctx.vertx(), outbox.submit(mailbox, reply, true, null));
      Odata.accepted(ctx);
      return;
    }
    reply.draft = true;
    reply.read = true;
    reply.internetMessageId = Ids.internetMessageId();
    Odata.json(ctx, 201, mailbox.locked(() -> MessageRoutes.entity(ctx, mailbox,
        mailbox.insert(reply, mailbox.folders().wellKnown(Folders.DRAFTS)), MessageJson.View.DEFAULT)));
  }
}
