package dev.mailgate.server.dev;

import dev.mailgate.server.sandbox.EmbeddedDatabase;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.cluster.ClusterPolicy;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.server.cli.TuningOptions;
import dev.mailgate.server.cli.WatchOptions;
import dev.mailgate.server.cli.GatewayProcess;
import dev.mailgate.server.metrics.MetricsOptions;
import dev.mailgate.server.metrics.MetricsPolicy;
import dev.mailgate.server.cli.TenantLoading;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import io.vertx.core.Vertx;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.tenant.config.BrowserOrigin;
import dev.mailgate.tenant.config.TenantConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailgate dev}: everything on this machine. Embedded PostgreSQL with one database per
 * example tenant, the example tenants with their published dev keys, demo data, and
 * ready-to-paste grpcurl lines.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Runs the gateway with embedded PostgreSQL and the example tenants.")
public final class DevCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--data-dir", defaultValue = ".mailgate/dev", paramLabel = "DIR",
      description = "Where embedded PostgreSQL keeps its data (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--tenants", paramLabel = "DIR",
      description = "Tenant files to load (default: tenant-config/tenants of this checkout).")
  Path tenantsDir;

  @Option(names = "--bench-tenants", paramLabel = "N", defaultValue = "0",
      description = "Also serve N benchmark tenants bench0000.. (a schema each in database mailgate_bench, "
          + "key mgk_bench_<tenant id>, user alice with two connections); see clients/loadgen/README.md.")
  int benchTenants;

  @Option(names = "--sandbox-url", paramLabel = "URL",
      description = "Use the provider sandbox of a `mailgate sandbox` process at URL (its demo mail included) "
          + "instead of starting one in this process.")
  String sandboxUrl;

  @Option(names = "--allow-origin", paramLabel = "ORIGIN",
      description = "Also let browser pages on ORIGIN (scheme://host[:port]) call the tenants loaded from files "
          + "over gRPC-Web, beside their allowed_origins; repeatable.")
  List<String> allowOrigins = new java.util.ArrayList<>();

  @picocli.CommandLine.Mixin
  TuningOptions tuning;

  @picocli.CommandLine.Mixin
  WatchOptions watching;

  @picocli.CommandLine.Mixin
  dev.mailgate.server.cli.WebhookOptions webhooks;

  @picocli.CommandLine.Mixin
  MetricsOptions metrics;

  /** Dev mode's published metrics token (like its API keys), unless --metrics-token-file names another. */
  static final String DEV_METRICS_TOKEN = "mgm_dev_metrics_7c41e9a2b5d0";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path tenants = Optional.ofNullable(tenantsDir).orElseGet(DevCommand::exampleTenants);
    for (String origin : allowOrigins) {
      try {
        BrowserOrigin.canonical(origin);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--allow-origin " + origin + ": " + e.getMessage());
      }
    }
    out.println("Starting embedded PostgreSQL in " + dataDir.toAbsolutePath() + " ...");
    out.flush();
    int boundPort = port == 0 ? FreePort.pick() : port;
    EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
    Vertx providersVertx = Vertx.vertx();
    AutoCloseable resources = () -> {
      try (database) {
        providersVertx.close().await(10, TimeUnit.SECONDS);
      }
    };
    LocalProviders providers;
    List<TenantConfig> configs;
    try {
      providers = LocalProviders.start(providersVertx, true, Optional.ofNullable(sandboxUrl)).discardRecordedRequests();
      resources = chain(providers, resources);
      DemoMail.seed(providers.sandbox(), providers.mailServer());
      String publicUrl = publicUrlOf(host, boundPort);
      configs = TenantLoading.load(spec, tenants, new DevEnvironment(database, publicUrl)).stream()
          .map(tenant -> tenant.withAllowedOrigins(allowOrigins)).toList();
      for (TenantConfig tenant : configs) {
        database.createDatabase(tenant.database().name());
      }
      database.createDatabase(COORDINATION_DATABASE);
      if (benchTenants > 0) {
        long start = System.nanoTime();
        configs = new java.util.ArrayList<>(configs);
        configs.addAll(BenchTenants.prepare(database, benchTenants));
        out.printf("%d bench tenants ready in %d ms%n", benchTenants, (System.nanoTime() - start) / 1_000_000);
        out.flush();
      }
    } catch (Exception e) {
      resources.close();
      throw e;
    }
    GatewayOptions options = GatewayOptions.local(host, boundPort, dataDir.resolve("secrets"))
        .withOAuth(OAuthProviders.defaults().overriding(providers.oauthEndpoints()))
        .withGmailRootUrl(providers.gmailRootUrl())
        .withGraphRootUrl(providers.graphRootUrl())
        .withEgress(EgressPolicy.strict().allowingLoopback())
        .withCluster(ClusterPolicy.DEFAULT.withCoordinationDb("postgresql://" + EmbeddedDatabase.USER + "@" + database.host()
            + ":" + database.port() + "/" + COORDINATION_DATABASE));
    options = webhooks.applyTo(watching.applyTo(tuning.applyTo(options)));
    options = metrics.applyTo(metrics.given() ? options : options.withMetrics(MetricsPolicy.protectedBy(DEV_METRICS_TOKEN)));
    boolean localPush = options.watch().publicUrl().isEmpty() && sandboxUrl == null;
    if (localPush) {
      // The in-process sandboxes push to this gateway: Graph to the URL each subscription names,
      // Gmail through the Pub/Sub push a real deployment configures (set up below).
      options = options.withWatch(options.watch().withPush(publicUrlOf(host, boundPort), Optional.of(DEV_GMAIL_TOPIC),
          providers.gmailPushCertsUrl()).withGmailPushServiceAccount(GmailSandbox.PUSH_SERVICE_ACCOUNT));
    }
    if (sandboxUrl != null && options.watch().publicUrl().isPresent()) {
      // A `mailgate sandbox --gmail-push-endpoint` process signs Gmail's pushes with its own keys,
      // as its push subscription's service account.
      options = options.withWatch(options.watch().withPush(options.watch().publicUrl().get(),
          options.watch().gmailTopic(), providers.gmailPushCertsUrl())
          .withGmailPushServiceAccount(GmailSandbox.PUSH_SERVICE_ACCOUNT));
    }
    GatewayServer server = GatewayProcess.start(options, configs, resources);
    if (localPush) {
      providers.pushGmailTo(options.watch().publicUrl().orElseThrow() + "/push/gmail",
          options.watch().gmailAudience().orElseThrow());
    }
    Optional<ConnectionRecord> demo = DemoData.seed(server.tenants().find(DemoData.TENANT)).await(60, TimeUnit.SECONDS);
    new DevBanner(out, host, server.port(), database, configs, demo, providers.mailServer(),
        providers.gmailRootUrl()).print();
    out.printf("%nPrometheus metrics (/metrics, bearer token%s):%n  curl -H \"Authorization: Bearer %s\" http://%s:%d/metrics%n",
        metrics.given() ? " from --metrics-token-file" : "", metrics.given() ? "$(head -1 " + metrics.tokenFile() + ")"
            : DEV_METRICS_TOKEN, host, server.port());
    out.flush();
    GatewayProcess.awaitShutdown();
    return 0;
  }

  /** Dev mode's coordination database, in its embedded PostgreSQL, as a deployment of several nodes has one. */
  static final String COORDINATION_DATABASE = "mailgate_coordination";

  /** The Pub/Sub topic dev mode's Gmail watches name (the sandbox pushes whatever it is). */
  static final String DEV_GMAIL_TOPIC = "projects/mailgate-dev/topics/mailbox-changes";

  private static String publicUrlOf(String host, int port) {
    return "http://" + host + ":" + port;
  }

  private static AutoCloseable chain(AutoCloseable first, AutoCloseable then) {
    return () -> {
      try (then) {
        first.close();
      }
    };
  }

  /** tenant-config/tenants in the working directory, or in the checkout the jar was built in. */
  private static Path exampleTenants() {
    Path relative = Path.of("tenant-config", "tenants");
    if (Files.isDirectory(relative)) {
      return relative;
    }
    try {
      Path jar = Path.of(DevCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
        if (Files.isDirectory(dir.resolve(relative))) {
          return dir.resolve(relative);
        }
      }
      return relative;
    } catch (Exception e) {
      return relative;
    }
  }
}
