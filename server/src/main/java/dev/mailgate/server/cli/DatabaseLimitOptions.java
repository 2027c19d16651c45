package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The database options {@code serve} and {@code dev} share: the connection cap and pool idle time. */
public final class DatabaseLimitOptions {

  @Option(names = "--db-max-connections", paramLabel = "N",
      description = "Most PostgreSQL connections all tenants together may hold; calls wait for one rather than fail "
          + "(default: ${DEFAULT-VALUE}).")
  int maxConnections = GatewayOptions.DEFAULT_DATABASE_CONNECTIONS;

  @Option(names = "--db-idle-timeout", paramLabel = "DURATION",
      description = "How long a tenant database pool stays open unused, ISO-8601 (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration idleTimeout = GatewayOptions.DEFAULT_DATABASE_IDLE_TIMEOUT;

  public GatewayOptions applyTo(GatewayOptions options) {
    return options.withDatabaseLimits(maxConnections, idleTimeout);
  }

  static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Duration.parse(value);
    }
  }
}
