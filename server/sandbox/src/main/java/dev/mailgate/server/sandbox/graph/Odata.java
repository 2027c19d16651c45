package dev.mailgate.server.sandbox.graph;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reading OData query options and writing answers the way Graph does: JSON with an
 * {@code @odata.context} on this server's {@code $metadata}, and next links that point back here
 * with the caller's options kept.
 */
final class Odata {

  private Odata() {}

  /** A system query option ({@code $top}, {@code $filter}, ...) by case-insensitive name; null if absent. */
  static String option(RoutingContext ctx, String name) {
    for (Map.Entry<String, String> param : ctx.queryParams()) {
      if (param.getKey().equalsIgnoreCase(name)) {
        return param.getValue();
      }
    }
    return null;
  }

  /** {@code scheme://host:port} of this request, the service root of every link the sandbox writes. */
  static String origin(RoutingContext ctx) {
    URI uri = URI.create(ctx.request().absoluteURI());
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** An {@code @odata.context} below the caller's user, e.g. {@code messages/$entity}. */
  static String context(RoutingContext ctx, Mailbox mailbox, String fragment) {
    return origin(ctx) + RouteTable.ROOT + "/$metadata#users('" + mailbox.userId() + "')/" + fragment;
  }

  /** This request's URL with {@code $skip} and {@code $skiptoken} replaced by {@code option=value}. */
  static String nextLink(RoutingContext ctx, String option, String value) {
    StringBuilder link = new StringBuilder(origin(ctx)).append(ctx.request().path()).append('?');
    MultiMap params = ctx.queryParams();
    Set<String> paging = Set.of("$skip", "$skiptoken");
    for (Map.Entry<String, String> param : params) {
      if (!paging.contains(param.getKey().toLowerCase(Locale.ROOT))) {
        link.append(encode(param.getKey())).append('=').append(encode(param.getValue())).append('&');
      }
    }
    return link.append(option).append('=').append(encode(value)).toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$");
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json;odata.metadata=minimal;"
        + "odata.streaming=true;IEEE754Compatible=false;charset=utf-8").end(body.encode());
  }

  /** What Graph answers for sendMail, send, reply and forward: 202 and no body. */
  static void accepted(RoutingContext ctx) {
    ctx.response().setStatusCode(202).end();
  }

  /** What Graph answers for a delete: 204 and no body. */
  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }
}
