package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.FilterProperties.Property;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The OData options of a message list and Graph's rules for them: {@code $top} (10 by default,
 * at most 1000), {@code $skip}, {@code $select}, {@code $expand=attachments}, {@code $count},
 * {@code $orderby} (newest first by default), {@code $filter}, and {@code $search}, which takes
 * neither {@code $orderby} nor {@code $filter} and pages with {@code $skiptoken}. A
 * {@code $filter} with an {@code $orderby} must name the ordered properties first, in the same
 * order, or Graph answers 400 InefficientFilter.
 */
final class ListQuery {

  static final int DEFAULT_TOP = 10;
  static final int MAX_TOP = 1000;

  private record Order(Property property, boolean descending) {}

  final int top;
  final int skip;
  final boolean search;
  final MessageJson.View view;
  final boolean count;
  private final Predicate<GraphMessage> filter;
  private final Comparator<GraphMessage> order;

  private ListQuery(int top, int skip, boolean search, MessageJson.View view, boolean count,
      Predicate<GraphMessage> filter, Comparator<GraphMessage> order) {
    this.top = top;
    this.skip = skip;
    this.search = search;
    this.view = view;
    this.count = count;
    this.filter = filter;
    this.order = order;
  }

  static ListQuery messages(RoutingContext ctx) {
    String filterText = Odata.option(ctx, "$filter");
    String searchText = Odata.option(ctx, "$search");
    String orderText = Odata.option(ctx, "$orderby");
    if (searchText != null && orderText != null) {
      throw new GraphException(400, "SearchWithOrderBy",
          "The query parameter '$orderBy' is not supported with '$search'.");
    }
    if (searchText != null && filterText != null) {
      throw new GraphException(400, "SearchWithFilter",
          "The query parameter '$filter' is not supported with '$search'.");
    }
    List<String> filtered = new ArrayList<>();
    Predicate<GraphMessage> filter = filterText != null ? MessageFilter.parse(filterText, filtered)
        : searchText != null ? MessageSearch.parse(searchText) : m -> true;
    List<Order> orders = orders(orderText);
    if (filterText != null && !orders.isEmpty()) {
      requireEfficient(filtered, orders);
    }
    Comparator<GraphMessage> order = orders.isEmpty() ? GraphMessage::newestFirst : comparator(orders);
    String skipToken = Odata.option(ctx, "$skiptoken");
    int skip = skipToken != null ? Ids.offsetOf(skipToken) : skip(ctx);
    return new ListQuery(top(ctx), skip, searchText != null, view(ctx),
        "true".equalsIgnoreCase(Odata.option(ctx, "$count")), filter, order);
  }

  /** What to show of each message: {@code $select}, {@code $expand=attachments} and the preferred body type. */
  static MessageJson.View view(RoutingContext ctx) {
    String expand = Odata.option(ctx, "$expand");
    if (expand != null && !expand.isBlank() && !expand.trim().equalsIgnoreCase("attachments")) {
      throw GraphException.badRequest("Parsing OData Select and Expand failed: Could not find a property named '"
          + expand.trim() + "' on type 'microsoft.graph.message'.");
    }
    return new MessageJson.View(MessageJson.select(Odata.option(ctx, "$select")), prefersText(ctx),
        expand != null && !expand.isBlank());
  }

  /** The {@code @odata.context} of a list of messages, with the {@code $select}ed properties as Graph writes it. */
  String context(RoutingContext ctx, Mailbox mailbox, String path) {
    String select = view.select() == null ? "" : "(" + String.join(",", view.select()) + ")";
    return Odata.context(ctx, mailbox, path + select);
  }

  /** The {@code $top} of a list: 10 if absent, at most 1000. */
  static int top(RoutingContext ctx) {
    return Math.min(MAX_TOP, number(ctx, "$top", DEFAULT_TOP, 1));
  }

  static int skip(RoutingContext ctx) {
    return number(ctx, "$skip", 0, 0);
  }

  private static int number(RoutingContext ctx, String option, int absent, int least) {
    String value = Odata.option(ctx, option);
    if (value == null || value.isBlank()) {
      return absent;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= least) {
        return n;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw GraphException.badRequest("Invalid " + option + " value '" + value + "'.");
  }

  /** Whether the client asked for text bodies: {@code Prefer: outlook.body-content-type="text"}. */
  static boolean prefersText(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      String lower = prefer.toLowerCase(Locale.ROOT).replace(" ", "");
      if (lower.contains("outlook.body-content-type=\"text\"") || lower.contains("outlook.body-content-type=text")) {
        ctx.response().putHeader("Preference-Applied", "outlook.body-content-type=\"text\"");
        return true;
      }
    }
    return false;
  }

  private static List<Order> orders(String orderText) {
    List<Order> orders = new ArrayList<>();
    if (orderText == null || orderText.isBlank()) {
      return orders;
    }
    for (String clause : orderText.split(",")) {
      String[] parts = clause.trim().split("\\s+");
      boolean direction = parts.length == 1
          || (parts.length == 2 && Set.of("asc", "desc").contains(parts[1].toLowerCase(Locale.ROOT)));
      if (!direction) {
        throw GraphException.badRequest("Invalid $orderby clause '" + clause.trim() + "'.");
      }
      boolean descending = parts.length == 2 && parts[1].equalsIgnoreCase("desc");
      orders.add(new Order(FilterProperties.property(parts[0]), descending));
    }
    return orders;
  }

  private static Comparator<GraphMessage> comparator(List<Order> orders) {
    Comparator<GraphMessage> comparator = null;
    for (Order o : orders) {
      Comparator<GraphMessage> next = (a, b) -> FilterProperties.compare(o.property().type(),
          o.property().value().apply(a), o.property().value().apply(b));
      next = o.descending() ? next.reversed() : next;
      comparator = comparator == null ? next : comparator.thenComparing(next);
    }
    return comparator.thenComparing(GraphMessage::newestFirst);
  }

  private static void requireEfficient(List<String> filtered, List<Order> orders) {
    for (int i = 0; i < orders.size(); i++) {
      if (i >= filtered.size() || !filtered.get(i).equals(orders.get(i).property().name())) {
        throw new GraphException(400, "InefficientFilter", "The restriction or sort order is too complex for this "
            + "operation.");
      }
    }
  }

  /** The messages this query selects from {@code candidates}, in its order (all pages). */
  List<GraphMessage> apply(List<GraphMessage> candidates) {
    return candidates.stream().filter(filter).sorted(order).toList();
  }

  /** One page of {@code all} as Graph answers a list: {@code value}, {@code @odata.count}, {@code @odata.nextLink}. */
  JsonObject page(RoutingContext ctx, String context, List<GraphMessage> all) {
    int from = Math.min(skip, all.size());
    int to = Math.min(all.size(), from + top);
    JsonObject json = new JsonObject().put("@odata.context", context);
    if (count) {
      json.put("@odata.count", all.size());
    }
    JsonArray value = new JsonArray();
    all.subList(from, to).forEach(m -> value.add(MessageJson.message(m, view)));
    json.put("value", value);
    if (to < all.size()) {
      json.put("@odata.nextLink", search ? Odata.nextLink(ctx, "$skiptoken", Ids.skipToken(to))
          : Odata.nextLink(ctx, "$skip", Integer.toString(to)));
    }
    return json;
  }
}
