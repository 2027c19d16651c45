package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.api.AccessLog;
import dev.mailgate.server.events.EventStreamPolicy;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options {@code serve} and {@code dev} share: the connection cap, pool idle time, access log, event loops,
 * outbound timeouts, memory bounds, whether rate limits are enforced and how long event streams run.
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

  @Option(names = "--connect-timeout", paramLabel = "DURATION",
      description = "How long opening a connection to a provider or OAuth server may take, ISO-8601 "
          + "(default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration connectTimeout = OutboundTimeouts.DEFAULT.connect();

  @Option(names = "--outbound-timeout", paramLabel = "DURATION",
      description = "How long one call to a provider or OAuth server (token, refresh, revoke, profile, Gmail, Graph, "
          + "IMAP, SMTP) may take in all, ISO-8601; also the longest a database transaction waits on one "
          + "(default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration outboundTimeout = OutboundTimeouts.DEFAULT.total();

  @Option(names = "--provider-queue", paramLabel = "N",
      description = "Calls that may wait for each blocking provider pool (Gmail, IMAP) and per mailbox for Microsoft "
          + "Graph; more get UNAVAILABLE / GATEWAY_OVERLOADED (default: ${DEFAULT-VALUE}).")
  int providerQueue = MemoryBounds.DEFAULT.providerQueue();

  @Option(names = "--db-max-waiters", paramLabel = "N",
      description = "Calls that may wait for a connection of one database pool; more get UNAVAILABLE / "
          + "GATEWAY_OVERLOADED (default: ${DEFAULT-VALUE}).")
  int databaseWaiters = MemoryBounds.DEFAULT.databaseWaiters();

  @Option(names = "--cache-entries", paramLabel = "N",
      description = "Entries each in-memory cache (access tokens, Graph folders, connections found owned, verified API keys) keeps at most "
          + "(default: ${DEFAULT-VALUE}).")
  int cacheEntries = MemoryBounds.DEFAULT.cacheEntries();

  @Option(names = "--stream-max-age", paramLabel = "DURATION",
      description = "How long an event stream (WatchMailbox, WatchTenant) runs before it ends with OK and the client "
          + "reconnects with its cursor, ISO-8601 (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration streamMaxAge = EventStreamPolicy.DEFAULT.maxAge();

  @Option(names = "--drain-timeout", paramLabel = "DURATION",
      description = "How long a stopping gateway (SIGTERM) lets calls in flight finish, after it reports NOT_SERVING, "
          + "stops accepting connections and ends event streams with UNAVAILABLE / GATEWAY_DRAINING, ISO-8601 "
          + "(default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration drainTimeout = GatewayOptions.DEFAULT_DRAIN_TIMEOUT;

  /** on or off (lowercase, as typed on the command line). */
  enum OnOff { on, off }

  @Option(names = "--rate-limits", paramLabel = "on|off", defaultValue = "on",
      description = "Enforce the tenants' rate_limits (on, the default) or not (off: only to measure what they cost).")
  OnOff rateLimits = OnOff.on;

  @Option(names = "--audit", paramLabel = "on|off", defaultValue = "on",
      description = "Record the audit trail of calls on users' mail (on, the default) or not (off: only to measure what "
          + "recording costs).")
  OnOff audit = OnOff.on;

  public GatewayOptions applyTo(GatewayOptions options) {
    return options.withDatabaseLimits(maxConnections, idleTimeout).withAccessLog(accessLog).withEventLoops(eventLoops)
        .withTimeouts(new OutboundTimeouts(connectTimeout, outboundTimeout))
        .withBounds(options.bounds().withProviderQueue(providerQueue).withDatabaseWaiters(databaseWaiters)
            .withCacheEntries(cacheEntries))
        .withRateLimits(rateLimits == OnOff.on)
        .withEventStreams(options.eventStreams().withMaxAge(streamMaxAge))
        .withDrainTimeout(drainTimeout)
        .withAudit(options.audit().withEnabled(audit == OnOff.on));
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
