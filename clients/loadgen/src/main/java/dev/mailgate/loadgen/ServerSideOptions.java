package dev.mailgate.loadgen;

import picocli.CommandLine.Option;

/** The options every comparison server of the load generator takes (picocli mixin): where it listens, which database. */
final class ServerSideOptions {

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
}
