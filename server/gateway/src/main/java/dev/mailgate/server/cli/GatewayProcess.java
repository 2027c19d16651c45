package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.server.metrics.MeteredVertx;
import dev.mailgate.server.tracing.Tracing;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a gateway in this process until it is asked to stop (SIGTERM, Ctrl-C), then drains it
 * (see {@link GatewayServer#close()}) and closes its pools, Vert.x and whatever else the command
 * opened, in that order, and exits 0 (1 if it could not stop cleanly).
 *
 * <p>SIGTERM and SIGINT are handled here rather than left to the JVM: the JVM's own handling runs
 * every shutdown hook at once, so a library's hook (embedded PostgreSQL's in dev mode) could stop
 * what the calls in flight still need while the gateway drains, and the process would exit 143
 * (130 for Ctrl-C) even after a clean drain. Here the drain runs first and {@code System.exit}
 * comes after it; the shutdown hook stays for any other way the JVM stops.
 */
public final class GatewayProcess {

  private static final Logger log = LoggerFactory.getLogger(GatewayProcess.class);

  private GatewayProcess() {}

  /** Starts the gateway, or closes {@code resources} and rethrows if it cannot start. */
  public static GatewayServer start(GatewayOptions options, List<TenantConfig> tenants, AutoCloseable resources)
      throws Exception {
    Vertx vertx = Tracing.install(options.traces(), MeteredVertx.builder()).build();
    GatewayServer server;
    try {
      server = GatewayServer.start(vertx, options, tenants).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close().await(10, TimeUnit.SECONDS);
      resources.close();
      throw e;
    }
    Stopping stopping = new Stopping(server, options, resources);
    Runtime.getRuntime().addShutdownHook(new Thread(stopping::await, "mailgate-shutdown"));
    StopSignals.install(() -> System.exit(stopping.await() ? 0 : 1));
    return server;
  }

  /** Blocks the calling (main) thread until the process is stopped. */
  public static void awaitShutdown() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  /** Stops the gateway once, whichever asks first (a signal or the shutdown hook); the others wait for it. */
  private static final class Stopping {

    private final GatewayServer server;
    private final GatewayOptions options;
    private final AutoCloseable resources;
    private Boolean clean;

    Stopping(GatewayServer server, GatewayOptions options, AutoCloseable resources) {
      this.server = server;
      this.options = options;
      this.resources = resources;
    }

    /** Stops the gateway unless it has stopped already; true if everything closed cleanly. */
    synchronized boolean await() {
      if (clean == null) {
        clean = stop();
      }
      return clean;
    }

    private boolean stop() {
      log.info("stopping: draining calls for up to {} s", options.drainTimeout().toSeconds());
      boolean clean = true;
      try {
        server.close().await(options.drainTimeout().toSeconds() + 20, TimeUnit.SECONDS);
        // Awaited on its own: a future chained on an event-loop context would never complete once
        // Vert.x has stopped its event loops.
        server.vertx().close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("gateway did not stop cleanly: {}", e.toString());
        clean = false;
      }
      try {
        resources.close();
      } catch (Exception e) {
        log.warn("resources did not close cleanly: {}", e.toString());
        clean = false;
      }
      log.info("stopped");
      return clean;
    }
  }
}
