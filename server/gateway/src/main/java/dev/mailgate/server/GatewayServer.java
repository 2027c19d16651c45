package dev.mailgate.server;

import dev.mailgate.server.agent.AgentTokens;
import dev.mailgate.server.api.AgentAccessApi;
import dev.mailgate.server.api.AuditApi;
import dev.mailgate.server.api.AuditedCalls;
import dev.mailgate.server.audit.AuditStore;
import dev.mailgate.server.audit.AuditTrail;
import dev.mailgate.server.api.CallObserver;
import dev.mailgate.server.api.ConnectionApi;
import dev.mailgate.server.api.MailApi;
import dev.mailgate.server.api.ReportApi;
import dev.mailgate.server.api.RpcBinder;
import dev.mailgate.server.api.mcp.McpEndpoint;
import dev.mailgate.server.api.UserApi;
import dev.mailgate.server.api.WebhookApi;
import dev.mailgate.server.api.WebhookBodies;
import dev.mailgate.server.webhook.Webhooks;
import dev.mailgate.server.auth.CallerResolver;
import dev.mailgate.server.cors.CorsPolicy;
import dev.mailgate.server.limits.CallLimits;
import dev.mailgate.server.grpc.ServerReflection;
import dev.mailgate.server.crypto.TenantKeysets;
import dev.mailgate.server.oauth.AccessTokens;
import dev.mailgate.server.oauth.AuthorizationFlow;
import dev.mailgate.server.oauth.CallbackRoute;
import dev.mailgate.server.oauth.OAuthClients;
import dev.mailgate.server.oauth.ProfileClient;
import dev.mailgate.server.oauth.ProviderGrants;
import dev.mailgate.server.mail.CombinedSearch;
import dev.mailgate.server.mail.MailboxAccess;
import dev.mailgate.server.api.EventApi;
import dev.mailgate.server.events.ConnectionStateChanges;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.EventRetention;
import dev.mailgate.server.events.EventWakeups;
import dev.mailgate.server.provider.ProviderModule;
import dev.mailgate.server.watch.MailboxWatcher;
import dev.mailgate.server.watch.PushChannel;
import dev.mailgate.server.mail.SendService;
import dev.mailgate.server.metrics.GatewayMetrics;
import dev.mailgate.server.connect.ConnectionChecker;
import dev.mailgate.server.cluster.Cluster;
import dev.mailgate.server.connect.ConnectionService;
import dev.mailgate.server.connect.ImapConnector;
import dev.mailgate.server.provider.ProviderContext;
import dev.mailgate.server.provider.ProviderCredentials;
import dev.mailgate.server.provider.ProviderRegistry;
import dev.mailgate.server.provider.gmail.GmailProviderModule;
import dev.mailgate.server.provider.imap.ImapProviderModule;
import dev.mailgate.server.provider.outlook.OutlookProviderModule;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.SendLog;
import dev.mailgate.server.dashboard.DashboardRoutes;
import dev.mailgate.server.store.SendReports;
import dev.mailgate.server.store.TenantOverview;
import dev.mailgate.server.store.SendRequestStore;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.tenant.TenantCipherLoader;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import dev.mailgate.server.store.UserStore;
import dev.mailgate.server.tracing.Tracing;
import dev.mailgate.server.tenant.TenantRegistry;
import dev.mailgate.server.user.UserService;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import dev.mailgate.server.lifecycle.GatewayHealth;
import dev.mailgate.server.lifecycle.HealthRoutes;
import dev.mailgate.server.lifecycle.Lifecycle;
import dev.mailgate.server.grpc.HttpJsonCalls;
import dev.mailgate.server.grpc.OpenApiDocument;
import dev.mailgate.server.grpc.SizedGrpcServers;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.server.Service;
import java.util.concurrent.TimeUnit;
import io.vertx.grpc.server.GrpcServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The production wiring: one port, served by an HTTP server on each serving event loop
 * ({@link ServingVerticle}), with the Mailgate gRPC services, gRPC health and reflection, and
 * plain HTTP routes ({@code /healthz}). Tests boot exactly this.
 */
public final class GatewayServer {

  /** The services any caller may use without a tenant or key: their requests are small. */
  static final List<String> UNAUTHENTICATED_SERVICES = List.of("grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
  /** This build's version, as the MCP endpoint names it. */
  static final String VERSION = java.util.Objects.requireNonNullElse(GatewayServer.class.getPackage().getImplementationVersion(), "dev");
  /** The largest request the unauthenticated services accept. */
  public static final int UNAUTHENTICATED_MAX_REQUEST_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final TenantRegistry tenants;
  private final TenantCipherLoader ciphers;
  private final MailboxWatcher watcher;
  private final Cluster cluster;
  private final Webhooks webhooks;
  private final McpEndpoint mcp;
  private final int port;
  private final String deployment;
  private final Lifecycle lifecycle;
  private final GatewayHealth health;
  private final EventApi events;
  private final List<ServingVerticle> instances;
  private final Duration drainTimeout;
  private final GatewayMetrics metrics;
  private final AuditTrail audit;
  private Future<Void> closing;

  private GatewayServer(Vertx vertx, TenantRegistry tenants, TenantCipherLoader ciphers, MailboxWatcher watcher,
      Cluster cluster, Webhooks webhooks, McpEndpoint mcp, int port, String deployment, Lifecycle lifecycle,
      GatewayHealth health, EventApi events, List<ServingVerticle> instances, Duration drainTimeout,
      GatewayMetrics metrics, AuditTrail audit) {
    this.audit = audit;
    this.mcp = mcp;
    this.metrics = metrics;
    this.vertx = vertx;
    this.tenants = tenants;
    this.ciphers = ciphers;
    this.watcher = watcher;
    this.cluster = cluster;
    this.webhooks = webhooks;
    this.port = port;
    this.deployment = deployment;
    this.lifecycle = lifecycle;
    this.health = health;
    this.events = events;
    this.instances = List.copyOf(instances);
    this.drainTimeout = drainTimeout;
  }

  /** Starts the gateway for these tenants; the future completes once the port is bound. */
  public static Future<GatewayServer> start(Vertx vertx, GatewayOptions options, List<TenantConfig> configs) {
    Lifecycle lifecycle = new Lifecycle();
    GatewayHealth health = new GatewayHealth(vertx, lifecycle);
    EventWakeups eventWakeups = new EventWakeups(vertx);
    Future<Cluster> joining = Cluster.join(vertx, options.cluster(), eventWakeups);
    TenantCipherLoader ciphers = new TenantCipherLoader(vertx, new TenantKeysets(options.masterKey(), options.keysetDirectory()));
    UserStore users = new UserStore();
    ConnectionStore connections = new ConnectionStore();
    CredentialStore credentials = new CredentialStore();
    EventLog eventLog = new EventLog();
    ConnectionStateChanges stateChanges = new ConnectionStateChanges(credentials, connections, eventLog, eventWakeups);
    TenantRegistry tenants = new TenantRegistry(vertx, configs, ciphers, options.databaseConnections(),
        options.databaseIdleTimeout(), options.migrationThreads(), options.bounds().databaseWaiters(), stateChanges);
    AgentTokens agentTokens = new AgentTokens();
    CallerResolver callers = new CallerResolver(tenants, agentTokens, options.bounds());
    // What hears about every call (metrics, traces, audit), in this order.
    List<CallObserver> callObservers = new ArrayList<>();
    GatewayMetrics metrics = GatewayMetrics.create(vertx, options.metrics());
    // Calls and provider operations are timed only where /metrics is served: per call it is work.
    if (options.metrics().served()) {
      callObservers.add(metrics.calls());
    }
    metrics.databasePools(tenants.pools());
    metrics.events(eventLog);
    // Traces (null when off): a span per call, with its queries and provider operations as children.
    Tracing tracing = Tracing.of(vertx, options.traces());
    if (tracing != null) {
      callObservers.add(tracing.calls());
    }
    // The audit trail: calls on a user's data, written to the tenant's database in batches.
    AuditStore auditStore = new AuditStore();
    AuditTrail audit = new AuditTrail(vertx, options.audit(), auditStore);
    if (options.audit().enabled()) {
      callObservers.add(new AuditedCalls(audit));
    }
    RpcBinder binder = new RpcBinder(callers,
        options.rateLimits() ? CallLimits.enforcing(vertx) : CallLimits.off(), options.accessLog(),
        CallObserver.all(callObservers));
    OutboundTimeouts timeouts = options.timeouts();
    WebClient webClient = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(timeouts.connectMillis())
        .setIdleTimeout(timeouts.totalMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    ProfileClient profiles = new ProfileClient(vertx, webClient, timeouts);
    // Every provider the gateway serves: one module per kind, and nothing else names a kind.
    ProviderRegistry providers = ProviderRegistry.of(new ProviderContext(vertx, options, webClient, profiles),
        GmailProviderModule::create,
        OutlookProviderModule::create,
        ImapProviderModule::create);
    OAuthClients oauthClients = new OAuthClients(vertx, providers.oauthSignIns(), timeouts);
    AccessTokens accessTokens = new AccessTokens(oauthClients, credentials, stateChanges, Duration.ofMinutes(2), timeouts,
        options.bounds());
    ProviderCredentials providerCredentials = new ProviderCredentials(providers, accessTokens, credentials);
    // Each provider operation a span (inside a traced call), timed around that.
    if (tracing != null) {
      providerCredentials.decorate(tracing::provider);
    }
    if (options.metrics().served()) {
      providerCredentials.decorate(metrics::provider);
    }
    metrics.tokenRefreshes(accessTokens);
    AuthorizationFlow authorizations = new AuthorizationFlow(oauthClients, profiles, users, connections, credentials,
        stateChanges);
    ProviderGrants grants = new ProviderGrants(oauthClients, credentials);

    ImapConnector imapConnector = new ImapConnector(providers, users, connections, credentials, stateChanges);
    ConnectionService connectionService = new ConnectionService(providers, users, connections, authorizations,
        new ConnectionChecker(providers, providerCredentials, stateChanges), grants, imapConnector);
    MailboxAccess mailboxAccess = new MailboxAccess(connections, stateChanges, providerCredentials, options.bounds());
    EventApi events = new EventApi(vertx, mailboxAccess, eventLog, new EventRetention(eventLog, Duration.ofMinutes(1)),
        eventWakeups, options.eventStreams());
    MailApi mail = new MailApi(mailboxAccess, new CombinedSearch(mailboxAccess),
        new SendService(vertx, mailboxAccess, new SendRequestStore(), new SendLog(), options.sendPolicy()), events);

    Webhooks webhooks = Webhooks.create(vertx, tenants, eventLog, eventWakeups, new WebhookBodies(), options.egress(),
        options.webhooks());

    List<Service> services = List.of(
        new UserApi(new UserService(users, grants)).service(binder),
        new ConnectionApi(connectionService).service(binder),
        mail.service(binder),
        new ReportApi(users, connections, new SendReports(), new TenantOverview()).service(binder),
        new WebhookApi(webhooks.service()).service(binder),
        new AgentAccessApi(agentTokens).service(binder),
        new AuditApi(audit, auditStore).service(binder),
        health,
        ServerReflection.v1(),
        ServerReflection.v1alpha());
    // Sizes are refused before decoding: 4 MiB by default, more only where a method binds more
    // (sends and drafts), and little for the unauthenticated health and reflection services.
    SizedGrpcServers grpc = new SizedGrpcServers(vertx,
        () -> new GrpcServerOptions().setScheduleDeadlineAutomatically(true), RpcBinder.DEFAULT_MAX_REQUEST_BYTES);
    binder.requestLimits().forEach(grpc::method);
    for (String unauthenticated : UNAUTHENTICATED_SERVICES) {
      grpc.service(unauthenticated, UNAUTHENTICATED_MAX_REQUEST_BYTES);
    }
    services.forEach(grpc::add);

    Router router = Router.router(vertx);
    new HealthRoutes(lifecycle, joining).mount(router);
    // The tenant dashboard's static page; it reads reports through the HTTP/JSON API with a dashboard key.
    DashboardRoutes.load().mount(router);
    metrics.mount(vertx, router);
    router.get(CallbackRoute.PATH).handler(new CallbackRoute(tenants, authorizations));
    // The OpenAPI description of the HTTP/JSON calls, generated from the proto (no tenant or key).
    OpenApiDocument.mount(router);
    MailboxWatcher watcher = new MailboxWatcher(vertx, tenants, providers, mailboxAccess, connections, eventLog,
        eventWakeups, options.watch());
    stateChanges.onConnectionsChanged(watcher::connectionsChanged);
    metrics.watcher(watcher);
    metrics.webhooks(webhooks.dispatcher());
    for (ProviderModule module : providers.modules()) {
      module.capability(PushChannel.class).filter(PushChannel::available).ifPresent(channel -> channel.mount(router, watcher));
    }

    // Browser pages may call from their tenants' allowed origins only (preflights answered here).
    CorsPolicy cors = CorsPolicy.of(configs);
    HttpJsonCalls httpJson = new HttpJsonCalls(services, grpc.limitedTo(HttpJsonCalls.MAX_REQUEST_BYTES));
    Handler<HttpServerRequest> handler = request -> {
      if (cors.answeredPreflight(request)) {
        return;
      }
      String contentType = request.getHeader("content-type");
      // application/grpc(+proto), and gRPC-Web: application/grpc-web(+proto), application/grpc-web-text(+proto).
      if (contentType != null && contentType.startsWith("application/grpc")) {
        cors.allowResponse(request);
        grpc.handle(request);
      } else if (HttpJsonCalls.accepts(request)) {
        httpJson.handle(request);
      } else {
        router.handle(request);
      }
    };
    // One instance per loop, all on one port: Vert.x binds it once and shares it among them. It
    // shares by the port asked for, so "port 0" becomes one free port picked first.
    HttpServerOptions http = httpOptions(options);
    int port = options.port() == 0 ? FreePort.pick() : options.port();
    // AI agents: MCP on /mcp, whose tools call this gateway's own gRPC API with the agent token.
    McpEndpoint mcp = McpEndpoint.mount(vertx, router, callers, options.host(), port, options.tls(), VERSION);
    List<ServingVerticle> instances = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      ServingVerticle instance = new ServingVerticle(http, handler, port, options.host());
      instances.add(instance);
      return instance;
    }, new DeploymentOptions().setInstances(options.eventLoops())).compose(deployment -> {
      Set<Integer> ports = instances.stream().map(ServingVerticle::port).collect(Collectors.toSet());
      if (ports.size() != 1) {
        return vertx.undeploy(deployment).transform(v -> Future.failedFuture(
            new IllegalStateException("the serving event loops bound different ports: " + ports)));
      }
      return joining.map(cluster -> {
        watcher.start(cluster.leases());
        webhooks.dispatcher().start();
        lifecycle.serve();
        return new GatewayServer(vertx, tenants, ciphers, watcher, cluster, webhooks, mcp, ports.iterator().next(),
            deployment, lifecycle, health, events, instances, options.drainTimeout(), metrics, audit);
      }).onFailure(failure -> vertx.undeploy(deployment));
    });
  }

  private static HttpServerOptions httpOptions(GatewayOptions options) {
    HttpServerOptions http = new HttpServerOptions().setHttp2ClearTextEnabled(true);
    if (options.tls()) {
      http.setSsl(true)
          .setUseAlpn(true)
          .setKeyCertOptions(new PemKeyCertOptions()
              .setCertPath(options.tlsCertificate().orElseThrow().toString())
              .setKeyPath(options.tlsKey().orElseThrow().toString()));
    }
    return http;
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  public TenantRegistry tenants() {
    return tenants;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The watcher of connected mailboxes. */
  public MailboxWatcher watcher() {
    return watcher;
  }

  /** The gateway's meters (what {@code /metrics} serves). */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The audit trail of calls on users' mail. */
  public AuditTrail audit() {
    return audit;
  }

  /** Webhook endpoints and their delivery. */
  public Webhooks webhooks() {
    return webhooks;
  }

  /**
   * Stops gracefully: reports NOT_SERVING, ends event streams with UNAVAILABLE / GATEWAY_DRAINING,
   * stops accepting connections and lets the calls in flight finish (HTTP/2 GOAWAY) for up to the
   * drain timeout; then writes the audit entries still waiting, stops watching (giving this node's
   * leases up) and delivering, and closes every tenant pool.
   */
  public synchronized Future<Void> close() {
    if (closing != null) {
      return closing;
    }
    lifecycle.drain();
    health.drain();
    events.drain();
    List<Future<Void>> drained = instances.stream().map(instance -> instance.shutdown(drainTimeout)).toList();
    // Once the calls have ended, their audit entries are written before the tenant pools close.
    closing = Future.join(drained).<Void>mapEmpty().eventually(audit::close).eventually(watcher::stop).eventually(cluster::leave)
        .eventually(() -> webhooks.dispatcher().stop()).eventually(() -> vertx.undeploy(deployment)).eventually(mcp::close)
        .eventually(watcher::closeProviders).eventually(tenants::close).eventually(ciphers::close)
        .andThen(done -> metrics.close());
    return closing;
  }
}
