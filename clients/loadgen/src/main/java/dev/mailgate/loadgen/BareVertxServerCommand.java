package dev.mailgate.loadgen;

import io.vertx.pgclient.PgConnectOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bare-vertx-server}: runs {@link BareVertxServer} until the process is stopped. */
@Command(name = "bare-vertx-server", mixinStandardHelpOptions = true,
    description = "Runs a bare Vert.x gRPC server answering ListConnections with the gateway's SQL over "
        + "vertx-pg-client, without authentication, routing or logging. Prints 'bare-vertx ready on HOST:PORT'.")
final class BareVertxServerCommand implements Callable<Integer> {

  @CommandLine.Mixin
  ServerSideOptions side;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BareVertxServer server = BareVertxServer.start(side.host, side.port,
        PgConnectOptions.fromUri(side.pgUrl), side.pgPoolSize);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
    }, "bare-vertx-shutdown"));
    spec.commandLine().getOut().printf("bare-vertx ready on %s:%d%n", side.host, server.port());
    spec.commandLine().getOut().flush();
    new CountDownLatch(1).await();
    return 0;
  }
}
