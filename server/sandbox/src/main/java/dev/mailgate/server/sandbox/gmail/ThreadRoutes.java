package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.sandbox.gmail.Exchange.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiConsumer;

/** {@code users.threads}: a thread is the messages sharing a threadId, which is its first message's id. */
final class ThreadRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "/threads", this::list);
    routes.add("GET", "/threads/:id", this::get);
    routes.add("POST", "/threads/:id/modify", ctx -> {
      JsonObject body = RequestBodies.json(ctx);
      List<String> add = Exchange.strings(body, "addLabelIds");
      List<String> remove = Exchange.strings(body, "removeLabelIds");
      each(ctx, (mailbox, id) -> mailbox.modify(id, add, remove));
    });
    routes.add("POST", "/threads/:id/trash", ctx -> each(ctx, Mailbox::trash));
    routes.add("POST", "/threads/:id/untrash", ctx -> each(ctx, Mailbox::untrash));
    routes.add("DELETE", "/threads/:id", ctx -> {
      Mailbox mailbox = Gate.mailbox(ctx);
      mailbox.read(() -> {
        mailbox.thread(ctx.pathParam("id")).forEach(m -> mailbox.delete(m.id()));
        return null;
      });
      Exchange.noContent(ctx);
    });
  }

  private void list(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject answer = mailbox.read(() -> {
      List<String> threadIds = mailbox.searchThreads(MessageQuery.parse(Exchange.param(ctx, "q")),
          Exchange.params(ctx, "labelIds"), Exchange.flag(ctx, "includeSpamTrash"));
      Exchange.Page<String> page = Exchange.Page.of(threadIds, ctx);
      JsonArray threads = new JsonArray();
      page.items().forEach(id -> threads.add(MessageViews.threadSummary(mailbox.thread(id))));
      return page.into(new JsonObject(), "threads", threads).put("resultSizeEstimate", threadIds.size());
    });
    json(ctx, answer);
  }

  private void get(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String format = MessageViews.format(Exchange.param(ctx, "format"));
    List<String> headers = Exchange.params(ctx, "metadataHeaders");
    json(ctx, mailbox.read(() -> MessageViews.thread(mailbox.thread(ctx.pathParam("id")), format, headers)));
  }

  /** Applies a message operation to every message of the thread and answers the thread, messages minimal. */
  private static void each(RoutingContext ctx, BiConsumer<Mailbox, String> operation) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject answer = mailbox.read(() -> {
      String threadId = ctx.pathParam("id");
      mailbox.thread(threadId).forEach(m -> operation.accept(mailbox, m.id()));
      List<StoredMessage> messages = mailbox.thread(threadId);
      JsonArray json = new JsonArray();
      messages.forEach(m -> json.add(MessageViews.labelled(m)));
      long historyId = messages.stream().mapToLong(StoredMessage::historyId).max().orElse(0);
      return new JsonObject().put("id", threadId).put("historyId", Long.toString(historyId)).put("messages", json);
    });
    json(ctx, answer);
  }
}
