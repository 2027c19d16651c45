package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.sandbox.gmail.Exchange.json;

import dev.mailgate.server.sandbox.gmail.HistoryLog.Entry;
import dev.mailgate.server.sandbox.gmail.HistoryLog.Type;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code users.getProfile} and {@code users.history.list}: history after a start id, oldest first,
 * in pages of {@code maxResults} (100 by default, at most 500); a start before the history still
 * kept, or after the mailbox's current id, is 404 as Gmail answers an invalid or out-of-date
 * {@code startHistoryId}.
 */
final class ProfileRoutes {

  void register(RouteTable routes) {
    routes.add("GET", "/profile", ctx -> {
      Mailbox mailbox = Gate.mailbox(ctx);
      json(ctx, mailbox.read(() -> new JsonObject().put("emailAddress", mailbox.address())
          .put("messagesTotal", mailbox.messagesTotal()).put("threadsTotal", mailbox.threadsTotal())
          .put("historyId", Long.toString(mailbox.history().current()))));
    });
    routes.add("GET", "/history", this::history);
  }

  private void history(RoutingContext ctx) {
    String start = Exchange.param(ctx, "startHistoryId");
    if (start == null || start.isEmpty()) {
      throw GmailException.invalidArgument("Missing required parameter: startHistoryId");
    }
    long startHistoryId;
    try {
      startHistoryId = Long.parseLong(start);
    } catch (NumberFormatException notANumber) {
      throw GmailException.invalidArgument("Invalid value at 'start_history_id' (TYPE_UINT64), \"" + start + "\"");
    }
    List<Type> types = new ArrayList<>();
    for (String name : Exchange.params(ctx, "historyTypes")) {
      types.add(Arrays.stream(Type.values()).filter(t -> t.parameter.equalsIgnoreCase(name)).findFirst()
          .orElseThrow(() -> GmailException.invalidArgument("Invalid value for \"historyTypes\": " + name)));
    }
    String labelId = Exchange.param(ctx, "labelId");
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject answer = mailbox.read(() -> {
      if (!mailbox.history().retains(startHistoryId) || startHistoryId > mailbox.history().current()) {
        throw GmailException.notFound();
      }
      List<Entry> entries = mailbox.history().after(startHistoryId, types, labelId);
      Exchange.Page<Entry> page = Exchange.Page.of(entries, ctx);
      JsonArray history = new JsonArray();
      page.items().forEach(e -> history.add(e.toJson()));
      return page.into(new JsonObject(), "history", history)
          .put("historyId", Long.toString(mailbox.history().current()));
    });
    json(ctx, answer);
  }
}
