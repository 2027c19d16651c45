package dev.mailgate.server.metrics;

import dev.mailgate.server.GatewayOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The command-line options of {@code serve} and {@code dev} that say how {@code /metrics} is served. */
public final class MetricsOptions {

  @Option(names = "--metrics-token-file", paramLabel = "FILE",
      description = "Serve Prometheus metrics on /metrics to scrapers that send `Authorization: Bearer <token>`, the "
          + "token being this file's first line (at least 16 characters). Without it /metrics is not served.")
  Path tokenFile;

  @Option(names = "--metrics-tenant-label",
      description = "Label the gateway's meters with the tenant id (one series per tenant: only for a few tenants).")
  boolean tenantLabel;

  /** Whether a token file was given. */
  public boolean given() {
    return tokenFile != null;
  }

  /** The token file given, or null. */
  public Path tokenFile() {
    return tokenFile;
  }

  /** The options with the metrics policy these flags make. */
  public GatewayOptions applyTo(GatewayOptions options) {
    if (tokenFile == null) {
      return options.withMetrics(options.metrics().withTenantLabel(tenantLabel));
    }
    try {
      return options.withMetrics(MetricsPolicy.protectedByFile(tokenFile).withTenantLabel(tenantLabel));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metrics token file " + tokenFile, e);
    }
  }
}
