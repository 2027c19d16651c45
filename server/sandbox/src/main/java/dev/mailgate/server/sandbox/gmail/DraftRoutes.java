package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.sandbox.gmail.Exchange.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code users.drafts}: a draft is an id pointing at a DRAFT-labelled message; updating replaces
 * the message (new message id, same draft id), sending turns it into a sent message and the draft
 * is gone.
 */
final class DraftRoutes {

  private final Mailboxes mailboxes;

  DraftRoutes(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  void register(RouteTable routes, UploadRoutes uploads) {
    routes.add("GET", "/drafts", this::list);
    routes.add("POST", "/drafts", ctx -> create(ctx, Gate.mailbox(ctx), null, RequestBodies.json(ctx), null));
    uploads.target("POST", "/drafts", this::create);
    routes.add("POST", "/drafts/send", ctx -> send(ctx, Gate.mailbox(ctx), null, RequestBodies.json(ctx), null));
    uploads.target("POST", "/drafts/send", this::send);
    routes.add("GET", "/drafts/:id", this::get);
    routes.add("PUT", "/drafts/:id",
        ctx -> update(ctx, Gate.mailbox(ctx), ctx.pathParam("id"), RequestBodies.json(ctx), null));
    uploads.target("PUT", "/drafts/:id", this::update);
    routes.add("DELETE", "/drafts/:id", ctx -> {
      Gate.mailbox(ctx).deleteDraft(ctx.pathParam("id"));
      Exchange.noContent(ctx);
    });
  }

  private void list(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject answer = mailbox.read(() -> {
      List<Mailbox.DraftRef> drafts = mailbox.drafts(MessageQuery.parse(Exchange.param(ctx, "q")),
          Exchange.flag(ctx, "includeSpamTrash"));
      Exchange.Page<Mailbox.DraftRef> page = Exchange.Page.of(drafts, ctx);
      JsonArray json = new JsonArray();
      page.items().forEach(d -> json.add(MessageViews.draft(d, MessageViews.reference(d.message()))));
      return page.into(new JsonObject(), "drafts", json).put("resultSizeEstimate", drafts.size());
    });
    json(ctx, answer);
  }

  private void get(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String format = MessageViews.format(Exchange.param(ctx, "format"));
    json(ctx, mailbox.read(() -> {
      Mailbox.DraftRef draft = mailbox.draft(ctx.pathParam("id"));
      return MessageViews.draft(draft, MessageViews.message(draft.message(), format, List.of()));
    }));
  }

  private void create(RoutingContext ctx, Mailbox mailbox, String pathId, JsonObject draft, byte[] media) {
    JsonObject message = messageOf(draft, media);
    byte[] raw = media != null ? media : MessageRoutes.rawOf(message);
    byte[] complete = RawHeaders.asSentBy(raw, mailbox.address(), mailbox.now());
    Mailbox.DraftRef created = mailbox.createDraft(complete, PayloadParser.parse(complete),
        Exchange.text(message, "threadId"));
    answer(ctx, mailbox, created);
  }

  private void update(RoutingContext ctx, Mailbox mailbox, String draftId, JsonObject draft, byte[] media) {
    mailbox.draft(draftId);
    JsonObject message = messageOf(draft, media);
    byte[] raw = media != null ? media : MessageRoutes.rawOf(message);
    byte[] complete = RawHeaders.asSentBy(raw, mailbox.address(), mailbox.now());
    Mailbox.DraftRef updated = mailbox.updateDraft(draftId, complete, PayloadParser.parse(complete),
        Exchange.text(message, "threadId"));
    answer(ctx, mailbox, updated);
  }

  /** drafts.send: the draft named by {@code id}, its content replaced first if the request carries a message. */
  private void send(RoutingContext ctx, Mailbox mailbox, String pathId, JsonObject draft, byte[] media) {
    String draftId = Exchange.text(draft, "id");
    if (draftId == null || draftId.isEmpty()) {
      throw GmailException.invalidArgument("Invalid draft");
    }
    Mailbox.DraftRef current = mailbox.draft(draftId);
    JsonObject message = Exchange.object(draft, "message");
    boolean replaced = media != null || (message != null && Exchange.text(message, "raw") != null);
    byte[] raw = replaced ? (media != null ? media : MessageRoutes.rawOf(message)) : current.message().raw();
    Mailboxes.Outgoing outgoing = mailboxes.prepare(mailbox, raw);
    mailbox.deleteDraft(draftId);
    StoredMessage sent = mailboxes.send(mailbox, outgoing, current.message().threadId());
    json(ctx, mailbox.read(() -> MessageViews.labelled(sent)));
  }

  private static JsonObject messageOf(JsonObject draft, byte[] media) {
    JsonObject message = Exchange.object(draft, "message");
    if (message == null && media == null) {
      throw GmailException.invalidArgument("Missing draft message");
    }
    return message == null ? new JsonObject() : message;
  }

  private static void answer(RoutingContext ctx, Mailbox mailbox, Mailbox.DraftRef draft) {
    json(ctx, mailbox.read(() -> MessageViews.draft(draft, MessageViews.labelled(draft.message()))));
  }
}
