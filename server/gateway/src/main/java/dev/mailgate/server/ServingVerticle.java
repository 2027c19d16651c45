package dev.mailgate.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * One HTTP server instance on its own event loop. The gateway deploys one per serving event loop
 * in a single deployment, all on the same port: Vert.x binds the port once and hands accepted
 * connections to the instances in turn, and each connection's calls then run on its instance's loop. The request
 * handler (gRPC services and routes) is shared; it holds no per-loop state.
 */
final class ServingVerticle extends VerticleBase {

  private final HttpServerOptions options;
  private final Handler<HttpServerRequest> handler;
  private final int port;
  private final String host;
  private HttpServer server;

  ServingVerticle(HttpServerOptions options, Handler<HttpServerRequest> handler, int port, String host) {
    this.options = options;
    this.handler = handler;
    this.port = port;
    this.host = host;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(options).requestHandler(H2cUpgradeHold.around(handler)).listen(port, host)
        .onSuccess(bound -> server = bound);
  }

  /**
   * Stops accepting connections and shuts the open ones down (HTTP/2 GOAWAY: no new calls), letting
   * their calls in flight finish for up to {@code timeout}, then closes what is left.
   */
  Future<Void> shutdown(java.time.Duration timeout) {
    return server == null ? Future.succeededFuture()
        : server.shutdown(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The bound port (the actual one when the verticle was asked for port 0). */
  int port() {
    return server.actualPort();
  }
}
