package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.Folders.Folder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code messages}: list (all, or of one folder), get, {@code $value}, create a draft (JSON or
 * MIME), update, delete, move and copy.
 */
final class MessageRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "/messages", ctx -> list(ctx, null));
    routes.add("GET", "/mailFolders/:folderId/messages", ctx -> list(ctx, ctx.pathParam("folderId")));
    routes.add("POST", "/messages", this::createDraft);
    routes.add("GET", "/messages/:id", this::get);
    routes.add("GET", "/mailFolders/:folderId/messages/:id", this::get);
    routes.add("GET", "/messages/:id/$value", this::mime);
    routes.add("PATCH", "/messages/:id", this::update);
    routes.add("DELETE", "/messages/:id", ctx -> {
      Gate.mailbox(ctx).delete(ctx.pathParam("id"));
      Odata.noContent(ctx);
    });
    routes.add("POST", "/messages/:id/move", ctx -> relocate(ctx, false));
    routes.add("POST", "/messages/:id/copy", ctx -> relocate(ctx, true));
  }

  private void list(RoutingContext ctx, String folderId) {
    ListQuery query = ListQuery.messages(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 200, mailbox.locked(() -> {
      Folder folder = folderId == null ? null : mailbox.folders().resolve(folderId);
      List<GraphMessage> all = query.apply(mailbox.messages(folder));
      String path = folder == null ? "messages" : "mailFolders('" + folder.id() + "')/messages";
      return query.page(ctx, query.context(ctx, mailbox, path), all);
    }));
  }

  private void get(RoutingContext ctx) {
    MessageJson.View view = ListQuery.view(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 200, mailbox.locked(() -> entity(ctx, mailbox, mailbox.message(ctx.pathParam("id")), view)));
  }

  /** The message as RFC 822: the MIME it came as, or written out from its properties. */
  private void mime(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    byte[] mime = mailbox.locked(() -> {
      GraphMessage message = mailbox.message(ctx.pathParam("id"));
      return message.mime != null ? message.mime : MimeWriter.write(message);
    });
    ctx.response().setStatusCode(200).putHeader("content-type", "message/rfc822").end(Buffer.buffer(mime));
  }

  /** A new draft in Drafts, from message JSON or (Content-Type text/plain) from base64 MIME. */
  private void createDraft(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    GraphMessage draft;
    if (RequestBodies.isMime(ctx)) {
      draft = MimeImport.read(RequestBodies.mime(ctx), mailbox.clock());
    } else {
      draft = new GraphMessage(Ids.messageId(), mailbox.clock());
      MessageInput.apply(RequestBodies.json(ctx), draft, true);
    }
    draft.draft = true;
    draft.read = true;
    draft.immutableId = ImmutableIds.requested(ctx);
    if (draft.internetMessageId.isEmpty()) {
      draft.internetMessageId = Ids.internetMessageId();
    }
    Odata.json(ctx, 201, mailbox.locked(() -> entity(ctx, mailbox,
        mailbox.insert(draft, mailbox.folders().wellKnown(Folders.DRAFTS)), MessageJson.View.DEFAULT)));
  }

  /** PATCH: any writable property of any message; all or nothing. */
  private void update(RoutingContext ctx) {
    JsonObject body = RequestBodies.json(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 200, mailbox.locked(() -> {
      GraphMessage message = mailbox.message(ctx.pathParam("id"));
      MessageInput.apply(body, message.copy(message.id), false);
      if (MessageInput.apply(body, message, false)) {
        message.contentChanged();
      } else {
        message.touch();
      }
      mailbox.updated(message);
      return entity(ctx, mailbox, message, MessageJson.View.DEFAULT);
    }));
  }

  /** move and copy: 201 with the message in its new folder (a move keeps the id; a copy has a new one). */
  private void relocate(RoutingContext ctx, boolean copy) {
    JsonObject body = RequestBodies.json(ctx);
    Object destination = body.getValue("destinationId");
    if (!(destination instanceof String id) || id.isBlank()) {
      throw GraphException.invalidRequest("The destinationId parameter is required.");
    }
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 201, mailbox.locked(() -> {
      String messageId = ctx.pathParam("id");
      GraphMessage moved = copy ? mailbox.copy(messageId, id) : mailbox.move(messageId, id);
      return entity(ctx, mailbox, moved, MessageJson.View.DEFAULT);
    }));
  }

  /** A single message with its {@code @odata.context}. Call under the mailbox's lock. */
  static JsonObject entity(RoutingContext ctx, Mailbox mailbox, GraphMessage message, MessageJson.View view) {
    return new JsonObject().put("@odata.context", Odata.context(ctx, mailbox, "messages/$entity"))
        .mergeIn(MessageJson.message(message, view));
  }
}
