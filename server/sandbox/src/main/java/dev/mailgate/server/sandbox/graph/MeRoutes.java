package dev.mailgate.server.sandbox.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /me} (the signed-in user) and {@code GET /me/outlook/masterCategories}. */
final class MeRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "", this::me);
    routes.add("GET", "/outlook/masterCategories", this::categories);
  }

  private void me(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String[] names = mailbox.displayName().split(" ", 2);
    Odata.json(ctx, 200, new JsonObject()
        .put("@odata.context", Odata.origin(ctx) + RouteTable.ROOT + "/$metadata#users/$entity")
        .put("businessPhones", new JsonArray())
        .put("displayName", mailbox.displayName())
        .put("givenName", names[0])
        .put("jobTitle", null)
        .put("mail", mailbox.address())
        .put("mobilePhone", null)
        .put("officeLocation", null)
        .put("preferredLanguage", "en-US")
        .put("surname", names.length > 1 ? names[1] : null)
        .put("userPrincipalName", mailbox.address())
        .put("id", mailbox.userId()));
  }

  private void categories(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonArray value = new JsonArray();
    mailbox.categories().forEach(c -> value.add(new JsonObject().put("id", c.id()).put("displayName", c.displayName())
        .put("color", c.color())));
    Odata.json(ctx, 200, new JsonObject()
        .put("@odata.context", Odata.context(ctx, mailbox, "outlook/masterCategories"))
        .put("value", value));
  }
}
