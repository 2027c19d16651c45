package dev.mailgate.server;

import dev.mailgate.server.api.AccessLog;
import dev.mailgate.server.audit.AuditPolicy;
import dev.mailgate.server.cluster.ClusterPolicy;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.mail.SendPolicy;
import dev.mailgate.server.metrics.MetricsPolicy;
import dev.mailgate.server.crypto.FileMasterKey;
import dev.mailgate.server.crypto.MasterKey;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.provider.gmail.GmailProvider;
import dev.mailgate.server.provider.outlook.OutlookProvider;
import java.nio.file.Path;
import dev.mailgate.server.events.EventStreamPolicy;
import dev.mailgate.server.watch.WatchPolicy;
import dev.mailgate.server.webhook.WebhookPolicy;
import dev.mailgate.server.tracing.TraceExport;
import java.time.Duration;
import java.util.Optional;

/**
 * How the gateway runs. TLS is on when both a PEM certificate chain and a PEM private key are
 * given; otherwise gRPC runs over cleartext HTTP/2 (h2c).
 *
 * @param host the address to bind
 * @param port the port to bind; 0 picks a free one
 * @param tlsCertificate PEM certificate chain
 * @param tlsKey PEM private key
 * @param migrationThreads size of the worker pool that runs database migrations
 * @param masterKey the master key that encrypts tenant keysets (a file in dev, a KMS in production)
 * @param keysetDirectory where tenant keysets live unless a tenant names its own file
 * @param oauth changes to the OAuth endpoints that the provider modules declare (none: the real ones)
 * @param gmailRootUrl the Gmail API's root URL (Google's, or the sandbox's)
 * @param graphRootUrl Microsoft Graph's root URL (Microsoft's, or the sandbox's)
 * @param providerThreads size of the worker pool each blocking provider client runs on
 * @param databaseConnections the most PostgreSQL connections all tenants together may hold
 * @param databaseIdleTimeout how long a database pool (and each of its connections) stays open unused
 * @param accessLog which calls get an access-log line
 * @param eventLoops how many event loops accept and serve connections (one HTTP server instance
 *     each on the same port; a connection stays on the loop that accepted it)
 * @param egress where the gateway may connect on a tenant's behalf (IMAP and SMTP servers)
 * @param timeouts the connect and total timeout of every call to a provider or OAuth server
 * @param bounds the sizes of the gateway's worker queues and caches
 * @param rateLimits whether tenants' {@code rate_limits} are enforced (off only to compare the hot path)
 * @param sendPolicy the time limits of send claims (lease, provider call limit, filing window)
 * @param eventStreams the timing of event streams (maximum age, heartbeat, catch-up reads)
 * @param watch how connected mailboxes are watched for changes (polling, push)
 * @param webhooks how webhooks are delivered (retry schedule, timeouts, bounds)
 * @param drainTimeout how long a stopping gateway lets the calls in flight finish before it closes
 * @param metrics whether {@code /metrics} is served (behind which token) and with a tenant label or not
 * @param traces whether and where spans are exported (OTLP); off by default
 * @param audit how the audit trail of calls on users' mail is recorded (batches, bounds; off only to measure it)
 */
public record GatewayOptions(String host, int port, Optional<Path> tlsCertificate, Optional<Path> tlsKey,
    int migrationThreads, MasterKey masterKey, Path keysetDirectory, OAuthProviders oauth, String gmailRootUrl,
    String graphRootUrl, int providerThreads, int databaseConnections, Duration databaseIdleTimeout,
    AccessLog accessLog, int eventLoops, EgressPolicy egress, OutboundTimeouts timeouts, MemoryBounds bounds,
    boolean rateLimits, SendPolicy sendPolicy, EventStreamPolicy eventStreams, WatchPolicy watch,
    ClusterPolicy cluster, WebhookPolicy webhooks, Duration drainTimeout, MetricsPolicy metrics,
    TraceExport traces, AuditPolicy audit) {

  public static final int DEFAULT_DATABASE_CONNECTIONS = 50;
  /** One serving event loop per core, as Vert.x recommends for servers. */
  public static final int DEFAULT_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
  public static final Duration DEFAULT_DATABASE_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Within Kubernetes' default 30 s grace period, with time left to close pools and leases. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

  public GatewayOptions {
    if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key");
    }
    if (eventLoops < 1) {
      throw new IllegalArgumentException("at least one event loop must serve");
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("the drain timeout must not be negative");
    }
  }

  /** Cleartext on host:port, the real OAuth providers. */
  public static GatewayOptions plaintext(String host, int port, MasterKey masterKey, Path keysetDirectory) {
    return new GatewayOptions(host, port, Optional.empty(), Optional.empty(), 2, masterKey, keysetDirectory,
        OAuthProviders.defaults(), GmailProvider.GOOGLE_ROOT_URL, OutlookProvider.GRAPH_ROOT_URL, 16,
        DEFAULT_DATABASE_CONNECTIONS, DEFAULT_DATABASE_IDLE_TIMEOUT, AccessLog.ALL, DEFAULT_EVENT_LOOPS,
        EgressPolicy.strict(), OutboundTimeouts.DEFAULT, MemoryBounds.DEFAULT, true,
        SendPolicy.DEFAULT, EventStreamPolicy.DEFAULT, WatchPolicy.DEFAULT, ClusterPolicy.DEFAULT, WebhookPolicy.DEFAULT,
        DEFAULT_DRAIN_TIMEOUT, MetricsPolicy.OFF, TraceExport.OFF, AuditPolicy.DEFAULT);
  }

  /** For dev mode and tests: a master key file and keysets under {@code directory}, made if missing. */
  public static GatewayOptions local(String host, int port, Path directory) throws Exception {
    return plaintext(host, port, FileMasterKey.loadOrCreate(directory.resolve("master-key.json")),
        directory.resolve("keysets"));
  }

  public GatewayOptions withTls(Path certificate, Path key) {
    return copy(c -> {
      c.tlsCertificate = Optional.of(certificate);
      c.tlsKey = Optional.of(key);
    });
  }

  public GatewayOptions withOAuth(OAuthProviders replacement) {
    return copy(c -> c.oauth = replacement);
  }

  /** Gmail at another root URL (the sandbox in dev mode and tests). */
  public GatewayOptions withGmailRootUrl(String rootUrl) {
    return copy(c -> c.gmailRootUrl = rootUrl);
  }

  /** Microsoft Graph at another root URL (the sandbox in dev mode and tests). */
  public GatewayOptions withGraphRootUrl(String rootUrl) {
    return copy(c -> c.graphRootUrl = rootUrl);
  }

  /** The same gateway on another port (a second gateway process in tests). */
  public GatewayOptions withPort(int otherPort) {
    return copy(c -> c.port = otherPort);
  }

  /** Another cap on PostgreSQL connections and idle time for database pools. */
  public GatewayOptions withDatabaseLimits(int maxConnections, Duration idleTimeout) {
    return copy(c -> {
      c.databaseConnections = maxConnections;
      c.databaseIdleTimeout = idleTimeout;
    });
  }

  /** Another access-log policy. */
  public GatewayOptions withAccessLog(AccessLog policy) {
    return copy(c -> c.accessLog = policy);
  }

  /** Another number of serving event loops. */
  public GatewayOptions withEventLoops(int loops) {
    return copy(c -> c.eventLoops = loops);
  }

  /** Another time for calls in flight to finish when the gateway stops. */
  public GatewayOptions withDrainTimeout(Duration timeout) {
    return copy(c -> c.drainTimeout = timeout);
  }

  /** Another egress policy (dev mode allows loopback; tests resolve their own names). */
  public GatewayOptions withEgress(EgressPolicy policy) {
    return copy(c -> c.egress = policy);
  }

  /** Another size for each blocking provider client's worker pool. */
  public GatewayOptions withProviderThreads(int threads) {
    return copy(c -> c.providerThreads = threads);
  }

  /** Other timeouts for calls to providers and OAuth servers. */
  public GatewayOptions withTimeouts(OutboundTimeouts replacement) {
    return copy(c -> c.timeouts = replacement);
  }

  /** Other worker-queue and cache bounds. */
  public GatewayOptions withBounds(MemoryBounds replacement) {
    return copy(c -> c.bounds = replacement);
  }

  /** How the audit trail is recorded (off: only to measure what recording costs). */
  public GatewayOptions withAudit(AuditPolicy policy) {
    return copy(c -> c.audit = policy);
  }

  /** Tenants' rate limits enforced (the default) or not. */
  public GatewayOptions withRateLimits(boolean enforced) {
    return copy(c -> c.rateLimits = enforced);
  }

  /** Other time limits for send claims (tests use short ones). */
  public GatewayOptions withSendPolicy(SendPolicy policy) {
    return copy(c -> c.sendPolicy = policy);
  }

  /** Other timing for event streams (tests use short ones). */
  public GatewayOptions withEventStreams(EventStreamPolicy policy) {
    return copy(c -> c.eventStreams = policy);
  }

  /** Another way of watching mailboxes (tests use short intervals, or none). */
  public GatewayOptions withWatch(WatchPolicy policy) {
    return copy(c -> c.watch = policy);
  }

  /** Another way of sharing watching with other gateway nodes (a coordination database, lease timing). */
  public GatewayOptions withCluster(ClusterPolicy policy) {
    return copy(c -> c.cluster = policy);
  }

  /** Another way of delivering webhooks (tests and dev mode use short retry schedules). */
  public GatewayOptions withWebhooks(WebhookPolicy policy) {
    return copy(c -> c.webhooks = policy);
  }

  /** Another way of serving metrics ({@code /metrics} behind a token, the tenant label). */
  public GatewayOptions withMetrics(MetricsPolicy policy) {
    return copy(c -> c.metrics = policy);
  }

  /** Traces exported as {@code export} says (off by default). */
  public GatewayOptions withTraces(TraceExport export) {
    return copy(c -> c.traces = export);
  }

  /** These options with {@code change} applied to a copy of their values. */
  private GatewayOptions copy(java.util.function.Consumer<Values> change) {
    Values values = new Values(this);
    change.accept(values);
    return values.build();
  }

  /** The options' values, to change one or two of them. */
  private static final class Values {
    String host;
    int port;
    Optional<Path> tlsCertificate;
    Optional<Path> tlsKey;
    int migrationThreads;
    MasterKey masterKey;
    Path keysetDirectory;
    OAuthProviders oauth;
    String gmailRootUrl;
    String graphRootUrl;
    int providerThreads;
    int databaseConnections;
    Duration databaseIdleTimeout;
    AccessLog accessLog;
    int eventLoops;
    EgressPolicy egress;
    OutboundTimeouts timeouts;
    MemoryBounds bounds;
    boolean rateLimits;
    SendPolicy sendPolicy;
    EventStreamPolicy eventStreams;
    WatchPolicy watch;
    ClusterPolicy cluster;
    WebhookPolicy webhooks;
    Duration drainTimeout;
    MetricsPolicy metrics;
    TraceExport traces;
    AuditPolicy audit;

    Values(GatewayOptions o) {
      host = o.host;
      port = o.port;
      tlsCertificate = o.tlsCertificate;
      tlsKey = o.tlsKey;
      migrationThreads = o.migrationThreads;
      masterKey = o.masterKey;
      keysetDirectory = o.keysetDirectory;
      oauth = o.oauth;
      gmailRootUrl = o.gmailRootUrl;
      graphRootUrl = o.graphRootUrl;
      providerThreads = o.providerThreads;
      databaseConnections = o.databaseConnections;
      databaseIdleTimeout = o.databaseIdleTimeout;
      accessLog = o.accessLog;
      eventLoops = o.eventLoops;
      egress = o.egress;
      timeouts = o.timeouts;
      bounds = o.bounds;
      rateLimits = o.rateLimits;
      sendPolicy = o.sendPolicy;
      eventStreams = o.eventStreams;
      watch = o.watch;
      cluster = o.cluster;
      webhooks = o.webhooks;
      drainTimeout = o.drainTimeout;
      metrics = o.metrics;
      traces = o.traces;
      audit = o.audit;
    }

    GatewayOptions build() {
      return new GatewayOptions(host, port, tlsCertificate, tlsKey, migrationThreads, masterKey, keysetDirectory, oauth,
          gmailRootUrl, graphRootUrl, providerThreads, databaseConnections, databaseIdleTimeout, accessLog,
          eventLoops, egress, timeouts, bounds, rateLimits, sendPolicy, eventStreams, watch, cluster, webhooks, drainTimeout,
          metrics, traces, audit);
    }
  }

  public boolean tls() {
    return tlsCertificate.isPresent();
  }
}
