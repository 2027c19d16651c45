package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.DeltaTokens.Scope;
import dev.mailgate.server.sandbox.graph.DeltaTokens.State;
import dev.mailgate.server.sandbox.graph.Folders.Folder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /mailFolders/{id}/messages/delta} (https://learn.microsoft.com/graph/api/message-delta):
 * the first round lists the folder's messages (those a {@code $filter=receivedDateTime ge|gt ...}
 * admits) in pages of {@code Prefer: odata.maxpagesize} or {@code $top} (10 by default) linked by
 * {@code @odata.nextLink}; the last page has an {@code @odata.deltaLink}. Following it lists each
 * message created or changed since, with its current properties, and each that left the folder
 * (deleted, or moved elsewhere) as {@code {"id", "@removed": {"reason": "deleted"}}}. Changes are
 * coalesced: a message is listed once per round with its latest state. The links keep the round's
 * {@code $select} and filter; options added to them are ignored, as Graph ignores them.
 */
final class DeltaRoutes {

  private static final Pattern RECEIVED_FILTER = Pattern.compile(
      "\\s*receivedDateTime\\s+(ge|gt)\\s+(\\S+)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern MAX_PAGE_SIZE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)",
      Pattern.CASE_INSENSITIVE);

  private final DeltaTokens tokens;

  DeltaRoutes(DeltaTokens tokens) {
    this.tokens = tokens;
  }

  void register(RouteTable routes) {
    routes.add("GET", "/mailFolders/:folderId/messages/delta", this::delta);
  }

  private void delta(RoutingContext ctx) {
    ImmutableIds.requested(ctx);
    Mailbox mailbox = Gate.mailbox(ctx);
    String deltaToken = Odata.option(ctx, "$deltatoken");
    String skipToken = Odata.option(ctx, "$skiptoken");
    int pageSize = pageSize(ctx);
    JsonObject page = mailbox.locked(() -> {
      Folder folder = mailbox.folders().resolve(ctx.pathParam("folderId"));
      State state;
      if (skipToken != null || deltaToken != null) {
        state = tokens.get(skipToken != null ? skipToken : deltaToken, mailbox.address(), folder.id())
            .orElseThrow(DeltaTokens::syncStateNotFound);
        if (deltaToken != null && skipToken == null) {
          state = nextRound(mailbox, folder, state);
        }
      } else {
        Scope scope = scope(ctx, mailbox, folder);
        List<String> all = new ArrayList<>();
        mailbox.messages(folder).stream().filter(scope.includes()).forEach(m -> all.add(m.id));
        state = new State(scope, Map.of(), all, tokens.now());
      }
      return render(ctx, mailbox, folder, state, pageSize);
    });
    Odata.json(ctx, 200, page);
  }

  /** A new round after a finished one: what changed or left since, oldest change first. */
  private State nextRound(Mailbox mailbox, Folder folder, State last) {
    Set<String> pending = new LinkedHashSet<>();
    List<GraphMessage> now = new ArrayList<>(mailbox.messages(folder));
    now.sort((a, b) -> Long.compare(a.sequence, b.sequence));
    Set<String> present = new java.util.HashSet<>();
    for (GraphMessage m : now) {
      present.add(m.id);
      if (last.scope().includes().test(m) && !m.changeKey().equals(last.seen().get(m.id))) {
        pending.add(m.id);
      }
    }
    last.seen().keySet().stream().filter(id -> !present.contains(id)).forEach(pending::add);
    return new State(last.scope(), last.seen(), List.copyOf(pending), tokens.now());
  }

  private JsonObject render(RoutingContext ctx, Mailbox mailbox, Folder folder, State state, int pageSize) {
    Scope scope = state.scope();
    MessageJson.View view = new MessageJson.View(MessageJson.select(scope.select()), ListQuery.prefersText(ctx), false);
    Map<String, String> seen = new HashMap<>(state.seen());
    Set<String> inFolder = new java.util.HashSet<>();
    mailbox.messages(folder).forEach(m -> inFolder.add(m.id));
    JsonArray value = new JsonArray();
    int shown = 0;
    int next = 0;
    List<String> pending = state.pending();
    while (next < pending.size() && shown < pageSize) {
      String id = pending.get(next++);
      if (inFolder.contains(id)) {
        GraphMessage message = mailbox.message(id);
        value.add(MessageJson.message(message, view));
        seen.put(id, message.changeKey());
        shown++;
      } else if (seen.remove(id) != null) {
        value.add(new JsonObject().put("@odata.type", "#microsoft.graph.message").put("id", id)
            .put("@removed", new JsonObject().put("reason", "deleted")));
        shown++;
      }
    }
    JsonObject page = new JsonObject().put("@odata.context",
        Odata.origin(ctx) + RouteTable.ROOT + "/$metadata#Collection(message)");
    String link = Odata.origin(ctx) + ctx.request().path() + "?";
    List<String> rest = List.copyOf(pending.subList(next, pending.size()));
    String token = tokens.put(new State(scope, Map.copyOf(seen), rest, tokens.now()));
    if (rest.isEmpty()) {
      page.put("@odata.deltaLink", link + "$deltatoken=" + encode(token));
    } else {
      page.put("@odata.nextLink", link + "$skiptoken=" + encode(token));
    }
    return page.put("value", value);
  }

  private static Scope scope(RoutingContext ctx, Mailbox mailbox, Folder folder) {
    String filter = Odata.option(ctx, "$filter");
    Instant from = null;
    boolean after = false;
    if (filter != null && !filter.isBlank()) {
      Matcher matcher = RECEIVED_FILTER.matcher(filter);
      if (!matcher.matches()) {
        throw GraphException.badRequest("Delta query on messages supports $filter only on receivedDateTime "
            + "with the ge and gt operators.");
      }
      try {
        from = Instant.parse(matcher.group(2));
      } catch (DateTimeParseException e) {
        throw GraphException.badRequest("The DateTimeOffset text '" + matcher.group(2) + "' should be in format "
            + "'yyyy-mm-ddThh:mm:ss('.'s+)?(zzzzzz)?' and each field value is within valid range.");
      }
      after = matcher.group(1).toLowerCase(Locale.ROOT).equals("gt");
    }
    String select = Odata.option(ctx, "$select");
    MessageJson.select(select);
    return new Scope(mailbox.address(), folder.id(), from, after, select);
  }

  /** {@code Prefer: odata.maxpagesize=N}, else {@code $top}, else 10; at most 1000. */
  private static int pageSize(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      Matcher matcher = MAX_PAGE_SIZE.matcher(prefer);
      if (matcher.find()) {
        ctx.response().headers().add("Preference-Applied", "odata.maxpagesize=" + matcher.group(1));
        try {
          return Math.max(1, Math.min(ListQuery.MAX_TOP, Integer.parseInt(matcher.group(1))));
        } catch (NumberFormatException huge) {
          return ListQuery.MAX_TOP;
        }
      }
    }
    return ListQuery.top(ctx);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
