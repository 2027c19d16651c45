package dev.mailgate.server.sandbox;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last requests a sandbox received, as {@code METHOD uri} with the path exactly as sent
 * (percent-encoding kept), so tests can check what reached the provider and what did not.
 */
public final class RequestLog implements Handler<RoutingContext> {

  private static final int KEPT = 1000;

  private final Deque<String> requests = new ArrayDeque<>();

  @Override
  public void handle(RoutingContext ctx) {
    synchronized (requests) {
      if (requests.size() == KEPT) {
        requests.removeFirst();
      }
      requests.addLast(ctx.request().method().name() + " " + ctx.request().uri());
    }
    ctx.next();
  }

  /** The requests received so far (at most the last 1000), oldest first. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }
}
