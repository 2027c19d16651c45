package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** Reading parameters and writing answers the way Google's JSON APIs do. */
final class Exchange {

  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 500;

  private Exchange() {}

  /** A query parameter (or, for a GET sent as POST with X-HTTP-Method-Override, a form field). */
  static String param(RoutingContext ctx, String name) {
    return ctx.request().getParam(name);
  }

  /** A repeated parameter ({@code labelIds=A&labelIds=B}). */
  static List<String> params(RoutingContext ctx, String name) {
    List<String> values = new ArrayList<>();
    for (String value : ctx.request().params().getAll(name)) {
      if (!value.isEmpty()) {
        values.add(value);
      }
    }
    return values;
  }

  static boolean flag(RoutingContext ctx, String name) {
    return "true".equalsIgnoreCase(param(ctx, name));
  }

  static int maxResults(RoutingContext ctx) {
    String value = param(ctx, "maxResults");
    if (value == null || value.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int n = Integer.parseInt(value);
      return n <= 0 ? DEFAULT_PAGE : Math.min(n, MAX_PAGE);
    } catch (NumberFormatException notANumber) {
      throw GmailException.invalidArgument("Invalid value for \"maxResults\": " + value);
    }
  }

  /** A string field of a request body, or null; 400 if it is there but not a string. */
  static String text(JsonObject body, String field) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw GmailException.invalidArgument("Invalid value at '" + field + "'");
  }

  static JsonObject object(JsonObject body, String field) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null || value instanceof JsonObject) {
      return (JsonObject) value;
    }
    throw GmailException.invalidArgument("Invalid value at '" + field + "'");
  }

  static List<String> strings(JsonObject body, String field) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw GmailException.invalidArgument("Invalid value at '" + field + "'");
    }
    List<String> strings = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s)) {
        throw GmailException.invalidArgument("Invalid value at '" + field + "'");
      }
      strings.add(s);
    }
    return strings;
  }

  static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json; charset=UTF-8").end(body.encode());
  }

  /** What Google answers for a delete: 204 and no body. */
  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  /** One page of {@code all} and the token of the next, as list methods answer. */
  record Page<T>(List<T> items, String nextPageToken) {

    static <T> Page<T> of(List<T> all, RoutingContext ctx) {
      int offset = Ids.offsetOf(param(ctx, "pageToken"));
      int size = maxResults(ctx);
      int from = Math.min(offset, all.size());
      int to = Math.min(all.size(), from + size);
      return new Page<>(all.subList(from, to), to < all.size() ? Ids.pageToken(to) : null);
    }

    /** Puts the items under {@code field} (left out when empty, as Google does) and the next page token. */
    JsonObject into(JsonObject json, String field, JsonArray rendered) {
      if (!items.isEmpty()) {
        json.put(field, rendered);
      }
      if (nextPageToken != null) {
        json.put("nextPageToken", nextPageToken);
      }
      return json;
    }
  }
}
