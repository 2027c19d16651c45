package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.Folders.Folder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code mailFolders}: list (the folders below the root, by name), get by id or well-known
 * name, create, and the same for {@code childFolders}
 * (https://learn.microsoft.com/graph/api/resources/mailfolder).
 */
final class FolderRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "/mailFolders", ctx -> list(ctx, Folders.ROOT));
    routes.add("POST", "/mailFolders", ctx -> create(ctx, Folders.ROOT));
    routes.add("GET", "/mailFolders/:folderId", this::get);
    routes.add("GET", "/mailFolders/:folderId/childFolders", ctx -> list(ctx, ctx.pathParam("folderId")));
    routes.add("POST", "/mailFolders/:folderId/childFolders", ctx -> create(ctx, ctx.pathParam("folderId")));
  }

  private void list(RoutingContext ctx, String parent) {
    Mailbox mailbox = Gate.mailbox(ctx);
    int top = ListQuery.top(ctx);
    int skip = ListQuery.skip(ctx);
    JsonObject json = mailbox.locked(() -> {
      List<Folder> all = mailbox.folders().children(mailbox.folders().resolve(parent).id());
      int from = Math.min(skip, all.size());
      int to = Math.min(all.size(), from + top);
      JsonArray value = new JsonArray();
      all.subList(from, to).forEach(f -> value.add(folder(mailbox, f)));
      JsonObject page = new JsonObject().put("@odata.context", Odata.context(ctx, mailbox, "mailFolders"))
          .put("value", value);
      if (to < all.size()) {
        page.put("@odata.nextLink", Odata.nextLink(ctx, "$skip", Integer.toString(to)));
      }
      return page;
    });
    Odata.json(ctx, 200, json);
  }

  private void get(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    Odata.json(ctx, 200, mailbox.locked(() -> entity(ctx, mailbox,
        mailbox.folders().resolve(ctx.pathParam("folderId")))));
  }

  private void create(RoutingContext ctx, String parent) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject body = RequestBodies.json(ctx);
    Object name = body.getValue("displayName");
    if (name != null && !(name instanceof String)) {
      throw new GraphException(400, "RequestBodyRead", "Invalid value for property 'displayName'.");
    }
    Odata.json(ctx, 201, mailbox.locked(() -> {
      Folder created = mailbox.folders().create(mailbox.folders().resolve(parent).id(), (String) name);
      return entity(ctx, mailbox, created);
    }));
  }

  private static JsonObject entity(RoutingContext ctx, Mailbox mailbox, Folder folder) {
    return new JsonObject().put("@odata.context", Odata.context(ctx, mailbox, "mailFolders/$entity"))
        .mergeIn(folder(mailbox, folder));
  }

  /** A {@code mailFolder} with its counts as they are now. Call under the mailbox's lock. */
  private static JsonObject folder(Mailbox mailbox, Folder folder) {
    return new JsonObject()
        .put("id", folder.id())
        .put("displayName", folder.displayName())
        .put("parentFolderId", folder.parentId())
        .put("childFolderCount", mailbox.folders().children(folder.id()).size())
        .put("unreadItemCount", mailbox.unread(folder))
        .put("totalItemCount", mailbox.total(folder))
        .put("isHidden", false);
  }
}
