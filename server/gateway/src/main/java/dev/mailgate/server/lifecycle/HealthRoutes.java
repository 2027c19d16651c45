package dev.mailgate.server.lifecycle;

import dev.mailgate.server.cluster.Cluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP probes. {@code /healthz} (liveness) answers 200 while the process runs, whatever its
 * state. {@code /readyz} (readiness) answers 200 only while the gateway serves and the coordination
 * database (if any) answers within a second; otherwise 503, so a load balancer sends no new calls.
 */
public final class HealthRoutes {

  static final long COORDINATION_PING_MILLIS = 1_000;

  private final Lifecycle lifecycle;
  private final Future<Cluster> cluster;

  public HealthRoutes(Lifecycle lifecycle, Future<Cluster> cluster) {
    this.lifecycle = lifecycle;
    this.cluster = cluster;
  }

  public void mount(Router router) {
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", lifecycle.state().name())));
    router.get("/readyz").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    if (!lifecycle.serving() || !cluster.succeeded()) {
      notReady(ctx, lifecycle.state().name().toLowerCase(java.util.Locale.ROOT));
      return;
    }
    cluster.result().reachable(COORDINATION_PING_MILLIS).onComplete(reached -> {
      if (reached.succeeded() && lifecycle.serving()) {
        ctx.json(new JsonObject().put("status", "READY"));
      } else {
        notReady(ctx, reached.succeeded() ? "draining" : "the coordination database does not answer");
      }
    });
  }

  private static void notReady(RoutingContext ctx, String why) {
    ctx.response().setStatusCode(503);
    ctx.json(new JsonObject().put("status", "NOT_READY").put("reason", why));
  }
}
