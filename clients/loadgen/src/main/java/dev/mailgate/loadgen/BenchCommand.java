package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench <comparison>}: one command per comparison. Starts its own dev gateway (a separate
 * JVM, -Xmx256m, fresh data directory) for each comparison, runs the comparison's loads with the
 * {@code run} machinery, samples the gateway's RSS every second, prints the ratio table (values vs
 * targets) and then the detail, and stops every process it started, also on Ctrl-C.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "One-command benchmark: starts the dev gateway (and, for grpc-java, the baseline server) "
        + "itself and compares. direct: ListConnections vs its SQL on the database; grpc-java: vs the grpc-java "
        + "baseline; search: SearchMessages vs the same Gmail calls on the sandbox; tenants: one first call per "
        + "bench tenant, then one tenant vs all of them; limits: ListConnections with --rate-limits on vs off; "
        + "all: each of these. Run it from the repository root.")
final class BenchCommand implements Callable<Integer> {

  static final List<String> COMPARISONS = List.of("direct", "grpc-java", "search", "tenants", "limits");
  /** The dev gateway's bench tenants (dev --bench-tenants N): ids and their API keys. */
  static final String TENANT_PATTERN = "bench%04d";
  static final String KEY_PATTERN = "mgk_bench_bench%04d";

  // The targets (issue 6 and this bench's brief). grpc-java is held to the same targets as direct.
  static final double MIN_THROUGHPUT_RATIO = 0.8;
  static final double MAX_P99_ADDED_MS = 2.0;
  static final double MAX_SEARCH_P50_ADDED_MS = 1.0;
  static final double MAX_RSS_MIB = 512;
  static final double MIN_TENANTS_RATIO = 0.7;
  static final double MAX_COLD_P99_MS = 100;
  /** tenants: bench0000 alone and all tenants alternate this many times (odd: the median is a round). */
  static final int TENANT_ROUNDS = 3;

  private static final Pattern BASELINE_READY = Pattern.compile("baseline ready on (\\S+):(\\d+)");

  @Parameters(index = "0", paramLabel = "COMPARISON", description = "direct, grpc-java, search, tenants, limits or all")
  String comparison;

  @CommandLine.Mixin
  RunTiming timing = new RunTiming();

  @Option(names = "--tenants", defaultValue = "1000",
      description = "tenants: how many bench tenants the gateway creates (dev --bench-tenants) and calls (${DEFAULT-VALUE})")
  int tenants;

  @Option(names = "--json", description = "also write everything measured here as JSON")
  Path json;

  @Option(names = "--server-jar", defaultValue = "server/target/mailgate-server-app.jar",
      description = "the gateway's app jar (${DEFAULT-VALUE})")
  Path serverJar;

  @Option(names = "--access-log", defaultValue = "errors",
      description = "the gateway's --access-log: all, errors or off (${DEFAULT-VALUE}; every call's line costs "
          + "about as much CPU as the call on a small machine, see clients/loadgen/README.md)")
  String accessLog;

  @Option(names = "--startup-timeout", defaultValue = "10m",
      description = "how long the gateway may take to start (${DEFAULT-VALUE})")
  String startupTimeout;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final List<ChildProcess> started = Collections.synchronizedList(new ArrayList<>());
  /** The processes of the comparison running now, for CPU accounting. */
  private CpuMeter cpu;
  PrintWriter out;
  private volatile Path root;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    List<String> names = comparison.equals("all") ? COMPARISONS : List.of(comparison);
    if (!COMPARISONS.containsAll(names)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "unknown comparison '" + comparison + "'; expected direct, grpc-java, search, tenants, limits or all");
    }
    if (!Files.isRegularFile(serverJar)) {
      throw new CommandLine.ParameterException(spec.commandLine(), serverJar + " is missing: build it first "
          + "(./mvnw -B -q -pl clients/loadgen -am package -DskipTests), and run from the repository root");
    }
    root = Files.createTempDirectory("mailgate-bench-");
    Thread hook = new Thread(this::stopAll, "bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<BenchSection> sections = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      for (String name : names) {
        BenchSection section = new BenchSection(name);
        sections.add(section);
        try {
          runSection(vertx, root.resolve(name), section);
        } catch (Exception e) {
          section.failure = String.valueOf(e.getMessage());
          out.printf("%s did not finish: %s%n", name, ChildProcess.mask(section.failure));
          out.flush();
        }
      }
    } finally {
      stopAll();
      vertx.close().await(10, TimeUnit.SECONDS);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
      deleteDataDirectories(root);
    }
    out.println();
    out.println(BenchReport.ratioTable(sections));
    out.println(BenchReport.detail(sections));
    if (json != null) {
      Files.writeString(json, BenchReport.json(sections, timing.warmup, timing.duration).encodePrettily() + "\n");
      out.printf("wrote %s%n", json);
    }
    out.printf("process logs (API keys masked): %s%n", root);
    out.flush();
    return sections.stream().allMatch(BenchSection::clean) ? 0 : 1;
  }

  private void runSection(Vertx vertx, Path dir, BenchSection section) throws Exception {
    Files.createDirectories(dir);
    int benchTenants = section.name.equals("tenants") ? tenants : section.name.equals("limits") ? 1 : 0;
    out.printf("%n== %s: starting the dev gateway (-Xmx256m, --access-log %s)%s ...%n", section.name, accessLog,
        benchTenants > 0 ? " with " + benchTenants + " bench tenants" : "");
    out.flush();
    List<ChildProcess> mine = new ArrayList<>();
    try {
      DevGatewayProcess gateway = DevGatewayProcess.start(java(), serverJar, dir.resolve("data"), benchTenants,
          accessLog, dir.resolve("gateway.log"), LoadgenCli.parseDuration(startupTimeout), child -> {
            mine.add(child);
            started.add(child);
          });
      out.printf("gateway (pid %d) ready on %s%n", gateway.process.pid(), gateway.address);
      out.flush();
      RssSampler rss = new RssSampler(gateway.process.pid());
      cpu = new CpuMeter(gateway.process.pid(), dir.resolve("data"), null);
      try {
        switch (section.name) {
          case "direct" -> direct(vertx, gateway, section, rss);
          case "grpc-java" -> grpcJava(vertx, gateway, section, rss, dir, mine);
          case "search" -> search(vertx, settings(gateway, null), section, rss);
          case "limits" -> limits(vertx, gateway, section, dir, mine);
          default -> tenants(vertx, settings(gateway, gateway.pgUrl("mailgate_bench")), section, rss);
        }
      } finally {
        rss.close();
        section.rssSamplesKib = rss.samplesKib();
        section.maxRssKib = rss.maxSinceKib(0);
        section.hwmKib = rss.hwmKib();
        section.maxRssKib.ifPresent(kib -> section.checks.add(BenchCheck.atMost(section.name, "whole comparison",
            "gateway max VmRSS (sampled 1/s)", kib / 1024.0, 0, " MiB", MAX_RSS_MIB, true)));
        section.hwmKib.ifPresent(kib -> section.checks.add(BenchCheck.atMost(section.name, "whole comparison",
            "gateway VmHWM (peak RSS)", kib / 1024.0, 0, " MiB", MAX_RSS_MIB, true)));
      }
    } finally {
      mine.forEach(ChildProcess::stop);
      DevGatewayProcess.stopLeftovers(dir.resolve("data"));
    }
  }

  private RunSettings settings(DevGatewayProcess gateway, String pgUrl) {
    return new RunSettings(gateway.address, null, "acme", gateway.acmeApiKey(), 1, "alice", pgUrl, 4,
        timing.timeout(), RpcKind.LIST_CONNECTIONS, "", 10, gateway.gmailRootUrl, 16,
        "alice@example.com", null, false);
  }

  private LoadSpec closed(int concurrency) {
    return LoadSpec.closed(concurrency, timing.warmup(), timing.duration());
  }

  private LoadSpec open(double rate) {
    return LoadSpec.open(rate, timing.warmup(), timing.duration());
  }

  /** Runs the gateway and one other target with the same load and keeps their results and ratios. */
  private Comparison pair(ComparisonRun run, TargetKind other, LoadSpec load, BenchSection section, RssSampler rss)
      throws Exception {
    int mark = rss.mark();
    List<LoadResult> results = run.run(List.of(TargetKind.GATEWAY, other), load);
    section.results.addAll(results);
    List<Report.Comparison> ratios = Report.Comparison.of(results);
    section.comparisons.addAll(ratios);
    printRss(rss, mark);
    return new Comparison(ratios.get(0), results.stream().allMatch(LoadResult::clean));
  }

  private record Comparison(Report.Comparison ratios, boolean clean) {}

  private void direct(Vertx vertx, DevGatewayProcess gateway, BenchSection section, RssSampler rss) throws Exception {
    databaseTargets(measured(vertx, settings(gateway, gateway.acmePgUrl()), section), TargetKind.DIRECT, section, rss);
  }

  private void grpcJava(Vertx vertx, DevGatewayProcess gateway, BenchSection section, RssSampler rss, Path dir,
      List<ChildProcess> mine) throws Exception {
    String pgUrl = gateway.acmePgUrl();
    out.printf("starting the grpc-java baseline server ...%n");
    out.flush();
    ChildProcess baseline = ChildProcess.start("baseline", List.of(java(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LoadgenCli.class.getName(), "baseline-server", "--port", "0",
        "--pg-url", pgUrl, "--pg-pool-size", "4", "--tenant", "acme", "--api-key", gateway.acmeApiKey()),
        dir.resolve("baseline.log"));
    mine.add(baseline);
    started.add(baseline);
    Matcher ready = baseline.await(BASELINE_READY, Duration.ofSeconds(60));
    out.printf("baseline (pid %d) ready on %s:%s%n", baseline.pid(), ready.group(1), ready.group(2));
    RunSettings settings = settings(gateway, pgUrl).withBaselineAddress(ready.group(1) + ":" + ready.group(2));
    cpu = new CpuMeter(gateway.process.pid(), dir.resolve("data"), baseline.pid());
    databaseTargets(measured(vertx, settings, section), TargetKind.GRPC_JAVA, section, rss);
    baseline.stop();
  }

  /** direct and grpc-java: closed x16 (throughput ratio) and open 1000/s (p99 added). */
  private void databaseTargets(ComparisonRun run, TargetKind other, BenchSection section, RssSampler rss)
      throws Exception {
    Comparison closed = pair(run, other, closed(16), section, rss);
    section.checks.add(BenchCheck.atLeast(section.name, closed.ratios().load(),
        "throughput ratio gateway/" + other, closed.ratios().throughputRatio(), 3, "", MIN_THROUGHPUT_RATIO,
        closed.clean()));
    Comparison open = pair(run, other, open(1000), section, rss);
    section.checks.add(BenchCheck.atMost(section.name, open.ratios().load(), "p99 added (gateway - " + other + ")",
        open.ratios().p99AddedMicros() / 1000.0, 2, " ms", MAX_P99_ADDED_MS, open.clean()));
  }

  /** search: closed x4 and open 50/s, p50 added by the gateway over the same Gmail calls. */
  void search(Vertx vertx, RunSettings base, BenchSection section, RssSampler rss) throws Exception {
    ComparisonRun run = measured(vertx, base.withRpc(RpcKind.SEARCH), section);
    for (LoadSpec load : List.of(closed(4), open(50))) {
      Comparison compared = pair(run, TargetKind.GMAIL_DIRECT, load, section, rss);
      section.checks.add(BenchCheck.atMost(section.name, compared.ratios().load(), "p50 added (gateway - gmail-direct)",
          compared.ratios().p50AddedMicros() / 1000.0, 2, " ms", MAX_SEARCH_P50_ADDED_MS, compared.clean()));
    }
  }

  /**
   * tenants: closed x16 on bench0000 alone (the first round also warms the gateway up), then one
   * first call per tenant (all but bench0000 are cold: never called since the gateway started,
   * migrations done), then closed x16 round-robin over all of them; bench0000 alone and all of
   * them then alternate for {@value #TENANT_ROUNDS} rounds in all, and the verdict is the median
   * of the rounds' ratios, so that one noisy run on a shared machine does not decide it. The same
   * rounds as direct SQL on the tenants' schemas (the page query naming each tenant's schema, as
   * the gateway does) give PostgreSQL's own cost of spreading the work over the schemas.
   */
  void tenants(Vertx vertx, RunSettings base, BenchSection section, RssSampler rss) throws Exception {
    String first = String.format(Locale.ROOT, TENANT_PATTERN, 0);
    RunSettings one = base.withTenants(first, String.format(Locale.ROOT, KEY_PATTERN, 0), 1);
    RunSettings all = tenants == 1 ? one : base.withTenants(TENANT_PATTERN, KEY_PATTERN, tenants);
    String allName = tenants + " tenants";

    List<Report.Comparison> gatewayRounds = new ArrayList<>();
    for (int round = 1; round <= TENANT_ROUNDS; round++) {
      LoadResult single = once(vertx, one, TargetKind.GATEWAY, "gateway " + first + rounded(round), section, rss);
      if (round == 1) {
        coldPass(vertx, all, allName, section, rss);
      }
      LoadResult spread = once(vertx, all, TargetKind.GATEWAY, "gateway " + allName + rounded(round), section, rss);
      gatewayRounds.add(Report.Comparison.between("gateway: " + allName + " vs " + first + rounded(round), spread,
          single));
    }
    section.comparisons.addAll(gatewayRounds);
    Report.Comparison median = median(gatewayRounds);
    boolean clean = section.results.stream().allMatch(LoadResult::clean);
    section.checks.add(BenchCheck.atLeast(section.name, median.load(), "throughput ratio " + allName + "/" + first
        + " (median of " + TENANT_ROUNDS + " rounds)", median.throughputRatio(), 3, "", MIN_TENANTS_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, median.load(), "p99 added (" + allName + " - " + first
        + ", that round)", median.p99AddedMicros() / 1000.0, 2, " ms", clean));

    if (base.pgUrl() != null) {
      List<Report.Comparison> sqlRounds = new ArrayList<>();
      for (int round = 1; round <= TENANT_ROUNDS; round++) {
        LoadResult sqlSingle = once(vertx, one.withPgSchemas(base.pgUrl()), TargetKind.DIRECT,
            "direct " + first + rounded(round), section, rss);
        LoadResult sqlSpread = once(vertx, all.withPgSchemas(base.pgUrl()), TargetKind.DIRECT,
            "direct " + allName + rounded(round), section, rss);
        sqlRounds.add(Report.Comparison.between("direct SQL: " + allName + " vs " + first + rounded(round),
            sqlSpread, sqlSingle));
      }
      section.comparisons.addAll(sqlRounds);
      Report.Comparison sql = median(sqlRounds);
      section.checks.add(BenchCheck.info(section.name, sql.load(), "PostgreSQL alone: throughput ratio " + allName
          + "/" + first + " (direct SQL, median)", sql.throughputRatio(), 3, "",
          section.results.stream().allMatch(LoadResult::clean)));
    }
  }

  /** limits: this section's gateway (limits off) against a second one with limits on. */
  private void limits(Vertx vertx, DevGatewayProcess off, BenchSection section, Path dir, List<ChildProcess> mine)
      throws Exception {
    out.printf("starting a second dev gateway with --rate-limits on ...%n");
    out.flush();
    try (DevGatewayProcess on = DevGatewayProcess.start(java(), serverJar, dir.resolve("data").resolve("limits-on"), 1,
        accessLog, true, dir.resolve("gateway-limits-on.log"), LoadgenCli.parseDuration(startupTimeout), child -> {
          mine.add(child);
          started.add(child);
        })) {
      out.printf("gateway with limits on (pid %d) ready on %s%n", on.process.pid(), on.address);
      new LimitsComparison(vertx, closed(16), out).run(on, off, timing.timeout(), section);
    }
  }

  /** One first call per tenant, checked against the cold-call target. */
  private void coldPass(Vertx vertx, RunSettings all, String allName, BenchSection section, RssSampler rss)
      throws Exception {
    int mark = rss.mark();
    LoadResult cold = new ComparisonRun(vertx, all, out).coldPassOnly(TargetKind.GATEWAY).withTarget("gateway " + allName);
    section.results.add(cold);
    printRss(rss, mark);
    section.checks.add(BenchCheck.info(section.name, cold.load(), "p50 of the first call per tenant",
        cold.p50Micros() / 1000.0, 2, " ms", cold.clean()));
    section.checks.add(BenchCheck.atMost(section.name, cold.load(), "p99 of the first call per tenant",
        cold.p99Micros() / 1000.0, 2, " ms", MAX_COLD_P99_MS, cold.clean()));
  }

  private static String rounded(int round) {
    return TENANT_ROUNDS == 1 ? "" : " #" + round;
  }

  /** The round whose throughput ratio is the median (rounds are odd in number). */
  static Report.Comparison median(List<Report.Comparison> rounds) {
    List<Report.Comparison> sorted = new ArrayList<>(rounds);
    sorted.sort(java.util.Comparator.comparingDouble(Report.Comparison::throughputRatio));
    return sorted.get(sorted.size() / 2);
  }

  private LoadResult once(Vertx vertx, RunSettings settings, TargetKind kind, String name, BenchSection section,
      RssSampler rss) throws Exception {
    int mark = rss.mark();
    ComparisonRun run = new ComparisonRun(vertx, settings, out);
    if (cpu != null) {
      run.measuringCpu(cpu, (measured, cores) -> section.addCpu(measured.withTarget(name), cores));
    }
    LoadResult result = run.run(List.of(kind), closed(16)).get(0).withTarget(name);
    section.results.add(result);
    printRss(rss, mark);
    return result;
  }

  /** A comparison run whose processes' CPU is recorded in the section. */
  private ComparisonRun measured(Vertx vertx, RunSettings settings, BenchSection section) {
    ComparisonRun run = new ComparisonRun(vertx, settings, out);
    return cpu == null ? run : run.measuringCpu(cpu, section::addCpu);
  }

  private void printRss(RssSampler rss, int mark) {
    rss.maxSinceKib(mark).ifPresent(kib -> out.printf("  gateway RSS: max %.0f MiB during this run, VmHWM %s%n",
        kib / 1024.0, rss.hwmKib().isPresent() ? String.format(Locale.ROOT, "%.0f MiB", rss.hwmKib().getAsLong() / 1024.0) : "?"));
    out.flush();
  }

  private void stopAll() {
    List<ChildProcess> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    all.forEach(ChildProcess::stop);
    if (root != null) {
      COMPARISONS.forEach(name -> DevGatewayProcess.stopLeftovers(root.resolve(name).resolve("data")));
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Embedded PostgreSQL's data under each comparison's directory; the logs stay. */
  private static void deleteDataDirectories(Path root) {
    for (String name : COMPARISONS) {
      Path data = root.resolve(name).resolve("data");
      if (!Files.exists(data)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> {
          try {
            Files.delete(path);
          } catch (IOException ignored) {
            // best effort: it is a temporary directory
          }
        });
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
