package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.server.tracing.Tracing;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a gateway in this process until the JVM is asked to stop (Ctrl-C, SIGTERM), then drains it
 * (see {@link GatewayServer#close()}) and closes its pools, Vert.x and whatever else the command
 * opened, in that order.
 */
public final class GatewayProcess {

  private static final Logger log = LoggerFactory.getLogger(GatewayProcess.class);

  private GatewayProcess() {}

  /** Starts the gateway, or closes {@code resources} and rethrows if it cannot start. */
  public static GatewayServer start(GatewayOptions options, List<TenantConfig> tenants, AutoCloseable resources)
      throws Exception {
    Vertx vertx = Tracing.install(options.traces(), Vertx.builder()).build();
    GatewayServer server;
    try {
      server = GatewayServer.start(vertx, options, tenants).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close().await(10, TimeUnit.SECONDS);
      resources.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, options, resources),
        "mailgate-shutdown"));
    return server;
  }

  /** Blocks the calling (main) thread until the process is stopped. */
  public static void awaitShutdown() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  private static void stop(GatewayServer server, GatewayOptions options, AutoCloseable resources) {
    log.info("stopping: draining calls for up to {} s", options.drainTimeout().toSeconds());
    try {
      server.close().await(options.drainTimeout().toSeconds() + 20, TimeUnit.SECONDS);
      // Awaited on its own: a future chained on an event-loop context would never complete once
      // Vert.x has stopped its event loops.
      server.vertx().close().await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("gateway did not stop cleanly: {}", e.toString());
    }
    try {
      resources.close();
    } catch (Exception e) {
      log.warn("resources did not close cleanly: {}", e.toString());
    }
    log.info("stopped");
  }
}
