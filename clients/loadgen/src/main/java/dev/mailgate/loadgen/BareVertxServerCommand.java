package dev.mailgate.loadgen;

import io.vertx.pgclient.PgConnectOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bare-vertx-server}: runs {@link BareVertxServer} until the process is stopped. */
@Command(name = "bare-vertx-server", mixinStandardHelpOptions = true,
    description = "Runs a bare Vert.x gRPC server answering ListConnections with the gateway's SQL over "
        + "vertx-pg-client, without authentication, routing or logging. Prints 'bare-vertx ready on HOST:PORT'.")
final class BareVertxServerCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "0", description = "port to bind; 0 picks a free one (${DEFAULT-VALUE})")
  int port;

  @Option(names = "--pg-url", required = true,
      description = "the tenant database: postgresql://user[:password]@host:port/database")
  String pgUrl;

  @Option(names = "--pg-pool-size", defaultValue = "4",
      description = "database connections; the gateway's tenant default is 4 (${DEFAULT-VALUE})")
  int pgPoolSize;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BareVertxServer server = BareVertxServer.start(host, port, PgConnectOptions.fromUri(pgUrl), pgPoolSize);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
    }, "bare-vertx-shutdown"));
    spec.commandLine().getOut().printf("bare-vertx ready on %s:%d%n", host, server.port());
    spec.commandLine().getOut().flush();
    new CountDownLatch(1).await();
    return 0;
  }
}
