package dev.mailgate.server.sandbox.graph;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Registers sandbox handlers under both ways Graph names the signed-in user's mailbox:
 * {@code /v1.0/me} and {@code /v1.0/users/{id | userPrincipalName}} (the gate lets only the
 * caller's own id or address through).
 */
final class RouteTable {

  static final String ROOT = "/v1.0";
  private static final List<String> USER_ROOTS = List.of(ROOT + "/me", ROOT + "/users/:userId");

  private final Router router;

  RouteTable(Router router) {
    this.router = router;
  }

  /** A handler for {@code method} on {@code path} below the user ({@code ""} for the user itself). */
  void add(String method, String path, Handler<RoutingContext> handler) {
    for (String root : USER_ROOTS) {
      router.route(HttpMethod.valueOf(method), root + path).handler(handler);
    }
  }
}
