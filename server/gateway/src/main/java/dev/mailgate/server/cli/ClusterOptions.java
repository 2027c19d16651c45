package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import picocli.CommandLine.Option;

/** Options about the other gateway nodes of a deployment. */
public final class ClusterOptions {

  @Option(names = "--coordination-db", paramLabel = "URI", defaultValue = "${env:MAILGATE_COORDINATION_DB}",
      description = "The deployment's coordination database, postgresql://user:password@host:port/database (default: "
          + "$MAILGATE_COORDINATION_DB; prefer it, so the password is not on the command line). Every node of a "
          + "deployment names the same one: they share the watching of mailboxes through leases there and wake "
          + "each other's event streams. Without it this node watches every connection itself, so run one node "
          + "only, or give them one.")
  String coordinationDb;

  public GatewayOptions applyTo(GatewayOptions options) {
    return coordinationDb == null || coordinationDb.isBlank() ? options
        : options.withCluster(options.cluster().withCoordinationDb(coordinationDb));
  }
}
