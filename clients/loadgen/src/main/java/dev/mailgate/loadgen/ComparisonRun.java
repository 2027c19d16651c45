package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs several targets one after the other with the same load: the others first (in the order
 * given; the database then holds its cache for all runs alike), the gateway last.
 */
public final class ComparisonRun {

  static final int COLD_CONCURRENCY = 16;

  private final Vertx vertx;
  private final RunSettings settings;
  private final PrintWriter out;
  private String connectionId;

  private CpuMeter cpu;
  private java.util.function.BiConsumer<LoadResult, java.util.Map<String, Double>> cpuSink;

  /** Also measures the cores each process used during each run's measured window (warm-up excluded) and hands them to {@code sink}. */
  ComparisonRun measuringCpu(CpuMeter meter, java.util.function.BiConsumer<LoadResult, java.util.Map<String, Double>> sink) {
    this.cpu = meter;
    this.cpuSink = sink;
    return this;
  }

  public ComparisonRun(Vertx vertx, RunSettings settings, PrintWriter out) {
    this.vertx = vertx;
    this.settings = settings;
    this.out = out;
  }

  public List<LoadResult> run(List<TargetKind> targets, LoadSpec spec) throws Exception {
    return run(targets, spec, false);
  }

  /**
   * With {@code coldPass}, each target first gets one call per tenant (at concurrency
   * {@value #COLD_CONCURRENCY}) before its warm-up, reported as its own result ({@code cold first call}).
   */
  public List<LoadResult> run(List<TargetKind> targets, LoadSpec spec, boolean coldPass) throws Exception {
    check(settings.rpc(), targets, settings);
    List<TargetKind> order = new ArrayList<>(new LinkedHashSet<>(targets));
    order.sort(Comparator.comparing(t -> t == TargetKind.GATEWAY ? 1 : 0));
    LoadEngine engine = new LoadEngine(vertx);
    List<LoadResult> results = new ArrayList<>();
    for (TargetKind kind : order) {
      try (LoadTarget target = open(kind)) {
        if (coldPass) {
          results.add(coldPass(engine, kind, target));
        }
        out.printf("%s: %s, warm-up %s, duration %s ...%n", kind, spec.describe(), seconds(spec.warmup()),
            seconds(spec.duration()));
        out.flush();
        // The CPU of the measured window only (from the end of the warm-up to the last answer): the
        // warm-up's JIT compilation and connection set-up are not charged to the measured calls.
        var windowStart = cpu == null ? null : CompletableFuture.supplyAsync(
            () -> new Snapshot(System.nanoTime(), cpu.snapshot()),
            CompletableFuture.delayedExecutor(LoadEngine.LEAD_NANOS + spec.warmup().toNanos(), TimeUnit.NANOSECONDS));
        LoadResult result = engine.run(target, spec);
        results.add(result);
        if (cpu != null) {
          Snapshot from = windowStart.join();
          var cores = CpuMeter.cores(from.seconds(), cpu.snapshot(), (System.nanoTime() - from.nanos()) / 1e9);
          out.printf("  cpu: %s%n", CpuMeter.describe(cores));
          cpuSink.accept(result, cores);
        }
      }
    }
    return results;
  }

  private record Snapshot(long nanos, java.util.Map<String, Double> seconds) {}

  /** Only the cold pass, on a target of its own. */
  public LoadResult coldPassOnly(TargetKind kind) throws Exception {
    check(settings.rpc(), List.of(kind), settings);
    try (LoadTarget target = open(kind)) {
      return coldPass(new LoadEngine(vertx), kind, target);
    }
  }

  /** One first call per tenant, {@value #COLD_CONCURRENCY} at a time, before anything else reaches them. */
  LoadResult coldPass(LoadEngine engine, TargetKind kind, LoadTarget target) throws InterruptedException {
    int calls = settings.tenantCount();
    out.printf("%s: cold pass, one call to each of %d tenant(s), %d at a time ...%n", kind, calls, COLD_CONCURRENCY);
    out.flush();
    long rounds = (calls + COLD_CONCURRENCY - 1) / COLD_CONCURRENCY;
    return engine.coldPass(target, calls, COLD_CONCURRENCY,
        settings.timeout().multipliedBy(rounds).plusSeconds(30));
  }

  /** Which targets can run the RPC, or an explanation of what cannot. */
  static void check(RpcKind rpc, List<TargetKind> targets, RunSettings settings) {
    for (TargetKind kind : targets) {
      boolean fits = switch (kind) {
        case GATEWAY -> true;
        case DIRECT, GRPC_JAVA, BARE_VERTX -> rpc == RpcKind.LIST_CONNECTIONS;
        case GMAIL_DIRECT -> rpc == RpcKind.SEARCH;
      };
      if (!fits) {
        throw new IllegalArgumentException("--target " + kind + " does not run --rpc " + rpc);
      }
      if (kind != TargetKind.GATEWAY && settings.tenantCount() > 1
          && !(kind == TargetKind.DIRECT && settings.pgSchemaPerTenant())) {
        throw new IllegalArgumentException("--tenant-count > 1 is for the gateway target only");
      }
    }
    if (targets.contains(TargetKind.DIRECT) && settings.pgUrl() == null) {
      throw new IllegalArgumentException("--target direct needs --pg-url");
    }
    if (targets.contains(TargetKind.GRPC_JAVA) && settings.baselineAddress() == null) {
      throw new IllegalArgumentException("--target grpc-java needs --baseline-address");
    }
    if (targets.contains(TargetKind.BARE_VERTX) && settings.bareVertxAddress() == null) {
      throw new IllegalArgumentException("--target bare-vertx needs --bare-vertx-address");
    }
    if (targets.contains(TargetKind.GMAIL_DIRECT) && settings.gmailRootUrl() == null) {
      throw new IllegalArgumentException("--target gmail-direct needs --gmail-root-url");
    }
    if (rpc == RpcKind.SEARCH && settings.tenantCount() > 1) {
      throw new IllegalArgumentException("--rpc search runs on one tenant");
    }
  }

  LoadTarget open(TargetKind kind) throws Exception {
    long timeoutMillis = settings.timeout().toMillis();
    return switch (kind) {
      case DIRECT -> settings.pgSchemaPerTenant()
          ? new DirectTarget(vertx, settings.pgUrl(), settings.pgPoolSize(), settings.user(), settings.tenants())
          : new DirectTarget(vertx, settings.pgUrl(), settings.pgPoolSize(), settings.user());
      case GMAIL_DIRECT -> new GmailDirectTarget(settings.gmailRootUrl(), settings.mailbox(), settings.query(),
          settings.pageSize(), settings.gmailThreads());
      case GRPC_JAVA -> {
        RunSettings.HostPort at = RunSettings.hostPort("--baseline-address", settings.baselineAddress());
        yield new GatewayTarget("grpc-java", vertx, at.host(), at.port(), settings.tenants(),
            GatewayTarget.listConnections(settings.user()), timeoutMillis);
      }
      case BARE_VERTX -> {
        RunSettings.HostPort at = RunSettings.hostPort("--bare-vertx-address", settings.bareVertxAddress());
        yield new GatewayTarget("bare-vertx", vertx, at.host(), at.port(), settings.tenants(),
            GatewayTarget.listConnections(settings.user()), timeoutMillis);
      }
      case GATEWAY -> {
        RunSettings.HostPort at = RunSettings.hostPort("--address", settings.address());
        GatewayTarget.Rpc<?, ?> rpc = settings.rpc() == RpcKind.SEARCH
            ? GatewayTarget.searchMessages(settings.user(), gmailConnectionId(), settings.query(), settings.pageSize())
            : GatewayTarget.listConnections(settings.user());
        yield new GatewayTarget("gateway", vertx, at.host(), at.port(), settings.tenants(), rpc, timeoutMillis);
      }
    };
  }

  /** The user's Gmail connection: as given, or connected once through the dev OAuth flow. */
  private String gmailConnectionId() throws Exception {
    if (connectionId == null) {
      connectionId = settings.connectionId();
    }
    if (connectionId == null) {
      RunSettings.HostPort at = RunSettings.hostPort("--address", settings.address());
      out.printf("connecting %s's Gmail mailbox %s through the dev OAuth flow ...%n", settings.user(), settings.mailbox());
      out.flush();
      connectionId = GmailConnector.connect(vertx, at.host(), at.port(), settings.tenants().get(0), settings.user(),
          settings.mailbox());
    }
    return connectionId;
  }

  private static String seconds(java.time.Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }
}
