package dev.mailgate.loadgen;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baseline-server}: runs {@link BaselineServer} until the process is stopped. */
@Command(name = "baseline-server", mixinStandardHelpOptions = true,
    description = "Runs the grpc-java baseline: ListConnections with the gateway's SQL over HikariCP + JDBC "
        + "on a plain grpc-java Netty server. Prints 'baseline ready on HOST:PORT' once it listens.")
final class BaselineServerCommand implements Callable<Integer> {

  @CommandLine.Mixin
  ServerSideOptions side;

  @Option(names = "--tenant", defaultValue = "acme", description = "the x-tenant-id accepted (${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--api-key", defaultValue = "mgk_dev_acme_5f2c9a7e41d8",
      description = "the API key accepted (default: acme's published dev key)")
  String apiKey;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BaselineServer server = BaselineServer.start(side.host, side.port,
        PgUrl.parse(side.pgUrl), side.pgPoolSize, tenant, apiKey);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "baseline-shutdown"));
    spec.commandLine().getOut().printf("baseline ready on %s:%d%n", side.host, server.port());
    spec.commandLine().getOut().flush();
    server.awaitTermination();
    return 0;
  }
}
