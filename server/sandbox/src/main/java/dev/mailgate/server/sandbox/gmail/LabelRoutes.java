package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.sandbox.gmail.Exchange.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code users.labels}: list, get (with counts), create (409 on a taken name), patch, update, delete. */
final class LabelRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "/labels", ctx -> {
      Mailbox mailbox = Gate.mailbox(ctx);
      JsonArray labels = new JsonArray();
      mailbox.read(() -> mailbox.labels().all()).forEach(label -> labels.add(label.toJson()));
      json(ctx, new JsonObject().put("labels", labels));
    });
    routes.add("POST", "/labels", ctx -> {
      JsonObject body = RequestBodies.json(ctx);
      Mailbox mailbox = Gate.mailbox(ctx);
      json(ctx, mailbox.read(() -> mailbox.labels().create(body).toJson()));
    });
    routes.add("GET", "/labels/:id", this::get);
    routes.add("PATCH", "/labels/:id", ctx -> change(ctx, true));
    routes.add("PUT", "/labels/:id", ctx -> change(ctx, false));
    routes.add("DELETE", "/labels/:id", ctx -> {
      Gate.mailbox(ctx).deleteLabel(ctx.pathParam("id"));
      Exchange.noContent(ctx);
    });
  }

  private void get(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String id = ctx.pathParam("id");
    json(ctx, mailbox.read(() -> {
      JsonObject label = mailbox.labels().get(id).toJson();
      int[] counts = mailbox.labelCounts(id);
      return label.put("messagesTotal", counts[0]).put("messagesUnread", counts[1]).put("threadsTotal", counts[2])
          .put("threadsUnread", counts[3]);
    }));
  }

  private void change(RoutingContext ctx, boolean patch) {
    JsonObject body = RequestBodies.json(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    json(ctx, mailbox.read(() -> mailbox.labels().change(ctx.pathParam("id"), body, patch).toJson()));
  }
}
