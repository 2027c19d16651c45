package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.api.AccessLog;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options {@code serve} and {@code dev} share: the connection cap, pool idle time, access log, event
 * loops and whether rate limits are enforced.
 */
public final class TuningOptions {

  @Option(names = "--db-max-connections", paramLabel = "N",
      description = "Most PostgreSQL connections all tenants together may hold; calls wait for one rather than fail "
          + "(default: ${DEFAULT-VALUE}).")
  int maxConnections = GatewayOptions.DEFAULT_DATABASE_CONNECTIONS;

  @Option(names = "--db-idle-timeout", paramLabel = "DURATION",
      description = "How long a tenant database pool stays open unused, ISO-8601 (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration idleTimeout = GatewayOptions.DEFAULT_DATABASE_IDLE_TIMEOUT;

  @Option(names = "--access-log", paramLabel = "WHICH",
      description = "Access-log lines for all calls, only failed ones (errors), or none (off); default: all.",
      converter = AccessLogConverter.class)
  AccessLog accessLog = AccessLog.ALL;

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Event loops that accept and serve gRPC connections, one HTTP server instance each on the same "
          + "port; a client connection stays on one loop (default: the number of cores, ${DEFAULT-VALUE} here).")
  int eventLoops = GatewayOptions.DEFAULT_EVENT_LOOPS;

  /** on or off (lowercase, as typed on the command line). */
  enum OnOff { on, off }

  @Option(names = "--rate-limits", paramLabel = "on|off", defaultValue = "on",
      description = "Enforce the tenants' rate_limits (on, the default) or not (off: only to measure what they cost).")
  OnOff rateLimits = OnOff.on;

  public GatewayOptions applyTo(GatewayOptions options) {
    return options.withDatabaseLimits(maxConnections, idleTimeout).withAccessLog(accessLog).withEventLoops(eventLoops)
        .withRateLimits(rateLimits == OnOff.on);
  }

  static final class AccessLogConverter implements picocli.CommandLine.ITypeConverter<AccessLog> {
    @Override
    public AccessLog convert(String value) {
      return AccessLog.parse(value);
    }
  }

  static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Duration.parse(value);
    }
  }
}
