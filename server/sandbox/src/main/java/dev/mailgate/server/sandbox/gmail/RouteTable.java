package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Registers sandbox handlers under {@code /gmail/v1/users/:userId}, matching the method the
 * client meant ({@link Gate#method}) rather than the one on the wire. Handlers run on worker
 * threads: parsing a 35 MB message (JSON, base64, MIME) takes seconds on a busy machine and must
 * not hold the event loop the gateway shares in tests and dev mode. Mailbox state is synchronized.
 */
final class RouteTable {

  static final String API = "/gmail/v1/users/:userId";
  static final String UPLOAD = "/upload/gmail/v1/users/:userId";

  private final Router router;

  RouteTable(Router router) {
    this.router = router;
  }

  /** A handler for {@code method} on {@code API + path}. */
  void add(String method, String path, Handler<RoutingContext> handler) {
    addAt(method, API + path, handler);
  }

  /** A handler for {@code method} on a full path ({@link #UPLOAD} paths). */
  void addAt(String method, String fullPath, Handler<RoutingContext> handler) {
    router.route(fullPath).blockingHandler(ctx -> {
      if (method.equals(Gate.method(ctx))) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    }, false);
  }
}
