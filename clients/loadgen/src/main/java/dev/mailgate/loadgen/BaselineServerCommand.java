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

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "0", description = "port to bind; 0 picks a free one (${DEFAULT-VALUE})")
  int port;

  @Option(names = "--pg-url", required = true,
      description = "the tenant database: postgresql://user[:password]@host:port/database (or a jdbc: URL)")
  String pgUrl;

  @Option(names = "--pg-pool-size", defaultValue = "4",
      description = "database connections and handler threads; the gateway's tenant default is 4 (${DEFAULT-VALUE})")
  int pgPoolSize;

  @Option(names = "--tenant", defaultValue = "acme", description = "the x-tenant-id accepted (${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--api-key", defaultValue = "mgk_dev_acme_5f2c9a7e41d8",
      description = "the API key accepted (default: acme's published dev key)")
  String apiKey;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BaselineServer server = BaselineServer.start(host, port, PgUrl.parse(pgUrl), pgPoolSize, tenant, apiKey);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "baseline-shutdown"));
    spec.commandLine().getOut().printf("baseline ready on %s:%d%n", host, server.port());
    spec.commandLine().getOut().flush();
    server.awaitTermination();
    return 0;
  }
}
