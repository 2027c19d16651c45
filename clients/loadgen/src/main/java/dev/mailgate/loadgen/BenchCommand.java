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
        + "audit: ListConnections with the audit trail on vs --audit off; "
        + "all: each of these; events: mailbox events (latency with push and polling, throughput to many "
        + "WatchTenant streams, scale), not part of all. Run it from the repository root.")
final class BenchCommand implements Callable<Integer> {

  static final List<String> COMPARISONS = List.of("direct", "grpc-java", "search", "tenants", "limits", "audit");
  /** Mailbox events (issue 12): not part of {@code all}, it runs for many minutes ({@link EventsBench}). */
  static final String EVENTS = "events";
  /** Where each gateway of {@code events} keeps its data, under the comparison's directory. */
  private static final List<String> EVENTS_GATEWAYS = List.of("polling", "push");
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
  /** search: the gateway's JVM may spend at most this many times the CPU per search of gmail-direct's client. */
  static final double MAX_SEARCH_CPU_RATIO = 1.5;
  /** search: messages in alice's sandbox Gmail, so that a page of 10 is 10 results (11 Gmail calls). */
  static final int SEARCH_MESSAGES = 10;

  private static final Pattern BASELINE_READY = Pattern.compile("baseline ready on (\\S+):(\\d+)");
  private static final Pattern BARE_READY = Pattern.compile("bare-vertx ready on (\\S+):(\\d+)");
  private static final Pattern SANDBOX_READY = Pattern.compile("Provider sandbox ready on (\\S+)");

  @Parameters(index = "0", paramLabel = "COMPARISON", description = "direct, grpc-java, search, tenants, limits, audit, all or events")
  String comparison;

  @CommandLine.Mixin
  RunTiming timing = new RunTiming();

  @Option(names = "--tenants", defaultValue = "1000",
      description = "tenants: how many bench tenants the gateway creates (dev --bench-tenants) and calls (${DEFAULT-VALUE})")
  int tenants;

  @Option(names = "--rounds", defaultValue = "3",
      description = "how many rounds each comparison alternates its sides, judged on the median (at least 3; ${DEFAULT-VALUE})")
  int rounds = Rounds.MIN;

  @Option(names = "--search-warmup", defaultValue = "60s",
      description = "search: an unmeasured closed x4 load on each side (the gateway, then gmail-direct) before the first "
          + "round (${DEFAULT-VALUE}). The gateway's JIT still compiles 10-15 % of its CPU a minute into a search load, "
          + "and gmail-direct's first round cost twice its later ones, so without it the first rounds measure compilation")
  String searchWarmup = "60s";

  @Option(names = "--json", description = "also write everything measured here as JSON")
  Path json;

  @Option(names = "--server-jar", defaultValue = "server/dev/target/mailgate-dev-app.jar",
      description = "the gateway's app jar (${DEFAULT-VALUE})")
  Path serverJar;

  @Option(names = "--access-log", defaultValue = "errors",
      description = "the gateway's --access-log: all, errors or off (${DEFAULT-VALUE}; every call's line costs "
          + "about as much CPU as the call on a small machine, see clients/loadgen/README.md)")
  String accessLog;

  @Option(names = "--startup-timeout", defaultValue = "10m",
      description = "how long the gateway may take to start (${DEFAULT-VALUE})")
  String startupTimeout;

  @CommandLine.Mixin
  EventsOptions events = new EventsOptions();

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
    if (!COMPARISONS.containsAll(names) && !comparison.equals(EVENTS)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "unknown comparison '" + comparison + "'; expected direct, grpc-java, search, tenants, limits, audit, all or events");
    }
    if (rounds < Rounds.MIN) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least " + Rounds.MIN);
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
        if (names.size() > 1) {
          // A long `all` shows each comparison's verdicts as soon as it is done.
          out.printf("%n%s", BenchReport.ratioTable(List.of(section)));
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
    if (section.name.equals(EVENTS)) {
      List<ChildProcess> mine = new ArrayList<>();
      try {
        new EventsBench(vertx, events, out, java(), serverJar, accessLog, LoadgenCli.parseDuration(startupTimeout))
            .run(dir, section, child -> {
              mine.add(child);
              started.add(child);
            });
      } finally {
        mine.forEach(ChildProcess::stop);
        EVENTS_GATEWAYS.forEach(gateway -> DevGatewayProcess.stopLeftovers(dir.resolve(gateway).resolve("data")));
      }
      return;
    }
    int benchTenants = section.name.equals("tenants") ? tenants
        : section.name.equals("limits") || section.name.equals("audit") ? 1 : 0;
    List<ChildProcess> mine = new ArrayList<>();
    java.util.function.Consumer<ChildProcess> track = child -> {
      mine.add(child);
      started.add(child);
    };
    try {
      ChildProcess sandbox = null;
      String sandboxUrl = null;
      if (section.name.equals("search")) {
        out.printf("%n== search: starting the provider sandbox in a process of its own ...%n");
        out.flush();
        sandbox = ChildProcess.start("sandbox", List.of(java(), "-Xmx256m", "-jar", serverJar.toString(), "sandbox",
            "--gmail-messages", Integer.toString(SEARCH_MESSAGES)), dir.resolve("sandbox.log"));
        track.accept(sandbox);
        sandboxUrl = sandbox.await(SANDBOX_READY, Duration.ofSeconds(60)).group(1);
        out.printf("sandbox (pid %d) ready on %s%n", sandbox.pid(), sandboxUrl);
      }
      out.printf("%n== %s: starting the dev gateway (-Xmx256m, --access-log %s)%s ...%n", section.name, accessLog,
          benchTenants > 0 ? " with " + benchTenants + " bench tenants" : "");
      out.flush();
      DevGatewayProcess gateway = DevGatewayProcess.start(java(), serverJar, dir.resolve("data"), benchTenants,
          accessLog, sandboxUrl, dir.resolve("gateway.log"), LoadgenCli.parseDuration(startupTimeout), track);
      out.printf("gateway (pid %d) ready on %s%n", gateway.process.pid(), gateway.address);
      out.flush();
      RssSampler rss = new RssSampler(gateway.process.pid());
      cpu = new CpuMeter(gateway.process.pid(), dir.resolve("data"), java.util.Map.of());
      if (sandbox != null) {
        cpu = cpu.with("sandbox", sandbox.pid());
      }
      try {
        switch (section.name) {
          case "direct" -> direct(vertx, gateway, section, rss, dir, track);
          case "grpc-java" -> grpcJava(vertx, gateway, section, rss, dir, track);
          case "search" -> search(vertx, settings(gateway, null), section, rss);
          case "limits" -> limits(vertx, gateway, section, dir, track);
          case "audit" -> audit(vertx, gateway, section, dir, track);
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
        "alice@example.com", null, false, null);
  }

  private LoadSpec closed(int concurrency) {
    return LoadSpec.closed(concurrency, timing.warmup(), timing.duration());
  }

  private LoadSpec open(double rate) {
    return LoadSpec.open(rate, timing.warmup(), timing.duration());
  }

  /**
   * The other targets, then the gateway, under one load, alternating for {@link #rounds} rounds
   * ({@link Rounds}): round r's results are named "TARGET #r" and their CPU is recorded per process.
   * The gateway is the last side of every round.
   */
  private List<Rounds.Round> alternate(ComparisonRun run, List<TargetKind> others, LoadSpec load, BenchSection section,
      RssSampler rss) throws Exception {
    List<Rounds.Side> sides = new ArrayList<>();
    for (TargetKind kind : others) {
      sides.add(round -> side(run, kind, load, round, section, rss));
    }
    sides.add(round -> side(run, TargetKind.GATEWAY, load, round, section, rss));
    return Rounds.alternate(rounds, sides);
  }

  /** One run of one target in a round. */
  private LoadResult side(ComparisonRun run, TargetKind kind, LoadSpec load, int round, BenchSection section,
      RssSampler rss) throws Exception {
    int mark = rss.mark();
    String name = kind + " #" + round;
    if (cpu != null) {
      run.measuringCpu(cpu, (measured, cores) -> section.addCpu(measured.withTarget(name), cores));
    }
    LoadResult result = run.run(List.of(kind), load).get(0).withTarget(name);
    section.results.add(result);
    printRss(rss, mark);
    return result;
  }

  /** The gateway's (the last side's) values against side {@code other} of each round. */
  private static List<Report.Comparison> gatewayVersus(List<Rounds.Round> rounds, int other, String otherName,
      BenchSection section) {
    List<Report.Comparison> compared = new ArrayList<>();
    for (Rounds.Round round : rounds) {
      LoadResult gateway = round.get(round.results().size() - 1);
      compared.add(Report.Comparison.between("gateway vs " + otherName + " #" + round.number(), gateway,
          round.get(other)));
    }
    section.comparisons.addAll(compared);
    return compared;
  }

  private static boolean clean(List<Rounds.Round> rounds) {
    return rounds.stream().flatMap(r -> r.results().stream()).allMatch(LoadResult::clean);
  }

  private static String roundsOf(List<Rounds.Round> rounds) {
    return ", median of " + rounds.size() + " rounds";
  }

  private void direct(Vertx vertx, DevGatewayProcess gateway, BenchSection section, RssSampler rss, Path dir,
      java.util.function.Consumer<ChildProcess> track) throws Exception {
    String pgUrl = gateway.acmePgUrl();
    out.printf("starting the bare Vert.x gRPC server ...%n");
    out.flush();
    ChildProcess bare = ChildProcess.start("bare-vertx", List.of(java(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LoadgenCli.class.getName(), "bare-vertx-server", "--port", "0",
        "--pg-url", pgUrl, "--pg-pool-size", "4"), dir.resolve("bare-vertx.log"));
    track.accept(bare);
    Matcher ready = bare.await(BARE_READY, Duration.ofSeconds(60));
    out.printf("bare-vertx (pid %d) ready on %s:%s%n", bare.pid(), ready.group(1), ready.group(2));
    cpu = cpu.with(TargetKind.BARE_VERTX.label(), bare.pid());
    RunSettings settings = settings(gateway, pgUrl).withBareVertxAddress(ready.group(1) + ":" + ready.group(2));
    ComparisonRun run = new ComparisonRun(vertx, settings, out);
    List<TargetKind> others = List.of(TargetKind.DIRECT, TargetKind.BARE_VERTX);

    List<Rounds.Round> closed = alternate(run, others, closed(16), section, rss);
    String load = closed.get(0).get(0).load();
    boolean clean = clean(closed);
    List<Report.Comparison> direct = gatewayVersus(closed, 0, "direct", section);
    List<Report.Comparison> bareVertx = gatewayVersus(closed, 1, "bare-vertx", section);
    section.checks.add(BenchCheck.atLeast(section.name, load, "throughput ratio gateway/direct" + roundsOf(closed),
        Rounds.Spread.of(direct.stream().map(Report.Comparison::throughputRatio).toList()), 3, "",
        MIN_THROUGHPUT_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, load, "throughput ratio gateway/bare-vertx" + roundsOf(closed),
        Rounds.Spread.of(bareVertx.stream().map(Report.Comparison::throughputRatio).toList()), 3, "", clean));
    cpuChecks(section, closed, load, clean, List.of(
        new CpuSide("gateway JVM", closed.get(0).results().size() - 1, "gateway"),
        new CpuSide("bare-vertx JVM", 1, TargetKind.BARE_VERTX.label())));
    section.checks.add(BenchCheck.info(section.name, load, "gateway's own work: gateway JVM - bare-vertx JVM, "
        + "CPU us per call" + roundsOf(closed), Rounds.Spread.of(closed, round ->
            section.microsPerCall(round.get(2), "gateway") - section.microsPerCall(round.get(1),
                TargetKind.BARE_VERTX.label())), 0, " us", clean));

    List<Rounds.Round> open = alternate(run, others, open(1000), section, rss);
    String openLoad = open.get(0).get(0).load();
    boolean openClean = clean(open);
    section.checks.add(BenchCheck.atMost(section.name, openLoad, "p99 added (gateway - direct)" + roundsOf(open),
        Rounds.Spread.of(gatewayVersus(open, 0, "direct", section).stream()
            .map(c -> c.p99AddedMicros() / 1000.0).toList()), 2, " ms", MAX_P99_ADDED_MS, openClean));
    section.checks.add(BenchCheck.info(section.name, openLoad, "p99 added (gateway - bare-vertx)" + roundsOf(open),
        Rounds.Spread.of(gatewayVersus(open, 1, "bare-vertx", section).stream()
            .map(c -> c.p99AddedMicros() / 1000.0).toList()), 2, " ms", openClean));
  }

  /** Whose CPU a side's calls cost: a label, the side's index in a round, the CpuMeter part. */
  private record CpuSide(String label, int side, String part) {}

  /** One row per side: the CPU microseconds per call of the process doing that side's work, median of the rounds. */
  private static void cpuChecks(BenchSection section, List<Rounds.Round> rounds, String load, boolean clean,
      List<CpuSide> sides) {
    if (section.cpu.isEmpty()) {
      return;
    }
    for (CpuSide side : sides) {
      section.checks.add(BenchCheck.info(section.name, load, "CPU us per call, " + side.label() + roundsOf(rounds),
          Rounds.Spread.of(rounds, round -> section.microsPerCall(round.get(side.side()), side.part())), 0, " us",
          clean));
    }
  }

  private void grpcJava(Vertx vertx, DevGatewayProcess gateway, BenchSection section, RssSampler rss, Path dir,
      java.util.function.Consumer<ChildProcess> track) throws Exception {
    String pgUrl = gateway.acmePgUrl();
    out.printf("starting the grpc-java baseline server ...%n");
    out.flush();
    ChildProcess baseline = ChildProcess.start("baseline", List.of(java(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), LoadgenCli.class.getName(), "baseline-server", "--port", "0",
        "--pg-url", pgUrl, "--pg-pool-size", "4", "--tenant", "acme", "--api-key", gateway.acmeApiKey()),
        dir.resolve("baseline.log"));
    track.accept(baseline);
    Matcher ready = baseline.await(BASELINE_READY, Duration.ofSeconds(60));
    out.printf("baseline (pid %d) ready on %s:%s%n", baseline.pid(), ready.group(1), ready.group(2));
    RunSettings settings = settings(gateway, pgUrl).withBaselineAddress(ready.group(1) + ":" + ready.group(2));
    cpu = cpu.with(TargetKind.GRPC_JAVA.label(), baseline.pid());
    ComparisonRun run = new ComparisonRun(vertx, settings, out);
    List<TargetKind> others = List.of(TargetKind.GRPC_JAVA);

    List<Rounds.Round> closed = alternate(run, others, closed(16), section, rss);
    String load = closed.get(0).get(0).load();
    boolean clean = clean(closed);
    section.checks.add(BenchCheck.atLeast(section.name, load, "throughput ratio gateway/grpc-java" + roundsOf(closed),
        Rounds.Spread.of(gatewayVersus(closed, 0, "grpc-java", section).stream()
            .map(Report.Comparison::throughputRatio).toList()), 3, "", MIN_THROUGHPUT_RATIO, clean));
    cpuChecks(section, closed, load, clean, List.of(new CpuSide("gateway JVM", 1, "gateway"),
        new CpuSide("grpc-java JVM", 0, TargetKind.GRPC_JAVA.label())));

    List<Rounds.Round> open = alternate(run, others, open(1000), section, rss);
    section.checks.add(BenchCheck.atMost(section.name, open.get(0).get(0).load(), "p99 added (gateway - grpc-java)"
        + roundsOf(open), Rounds.Spread.of(gatewayVersus(open, 0, "grpc-java", section).stream()
            .map(c -> c.p99AddedMicros() / 1000.0).toList()), 2, " ms", MAX_P99_ADDED_MS, clean(open)));
  }

  /**
   * search: closed x4 and open 50/s, p50 added by the gateway over the same Gmail calls, and the
   * CPU per search of the gateway's JVM against the load generator's (gmail-direct's) own; the
   * sandbox is a process of its own (when bench started it), so neither side counts its CPU.
   */
  void search(Vertx vertx, RunSettings base, BenchSection section, RssSampler rss) throws Exception {
    ComparisonRun run = new ComparisonRun(vertx, base.withRpc(RpcKind.SEARCH), out);
    List<TargetKind> others = List.of(TargetKind.GMAIL_DIRECT);
    Duration warmup = LoadgenCli.parseDuration(searchWarmup);
    if (!warmup.isZero()) {
      out.printf("(both sides' JIT warm-up, not measured)%n");
      run.run(List.of(TargetKind.GATEWAY, TargetKind.GMAIL_DIRECT), LoadSpec.closed(4, warmup, Duration.ofSeconds(1)));
    }
    for (LoadSpec spec : List.of(closed(4), open(50))) {
      List<Rounds.Round> rounds = alternate(run, others, spec, section, rss);
      String load = rounds.get(0).get(0).load();
      boolean clean = clean(rounds);
      section.checks.add(BenchCheck.atMost(section.name, load, "p50 added (gateway - gmail-direct)" + roundsOf(rounds),
          Rounds.Spread.of(gatewayVersus(rounds, 0, "gmail-direct", section).stream()
              .map(c -> c.p50AddedMicros() / 1000.0).toList()), 2, " ms", MAX_SEARCH_P50_ADDED_MS, clean));
      if (section.cpu.isEmpty()) {
        continue;
      }
      cpuChecks(section, rounds, load, clean, List.of(new CpuSide("gateway JVM", 1, "gateway"),
          new CpuSide("gmail-direct (load generator JVM)", 0, "loadgen")));
      Rounds.Spread ratio = Rounds.Spread.of(rounds, round ->
          section.microsPerCall(round.get(1), "gateway") / section.microsPerCall(round.get(0), "loadgen"));
      String metric = "CPU per search, gateway JVM / gmail-direct" + roundsOf(rounds);
      section.checks.add(spec.mode() == LoadSpec.Mode.CLOSED
          ? BenchCheck.atMost(section.name, load, metric, ratio, 2, "", MAX_SEARCH_CPU_RATIO, clean)
          : BenchCheck.info(section.name, load, metric, ratio, 2, "", clean));
    }
  }

  /**
   * tenants: closed x16 on bench0000 alone (the first round also warms the gateway up), then one
   * first call per tenant (all but bench0000 are cold: never called since the gateway started,
   * migrations done), then closed x16 round-robin over all of them; bench0000 alone and all of
   * them alternate for {@link #rounds} rounds ({@link Rounds}), and the verdict is the median of
   * the rounds' ratios. The same rounds as direct SQL on the tenants' schemas (the page query
   * naming each tenant's schema, as the gateway does) give PostgreSQL's own cost of spreading the
   * work over the schemas.
   */
  void tenants(Vertx vertx, RunSettings base, BenchSection section, RssSampler rss) throws Exception {
    String first = String.format(Locale.ROOT, TENANT_PATTERN, 0);
    RunSettings one = base.withTenants(first, String.format(Locale.ROOT, KEY_PATTERN, 0), 1);
    RunSettings all = tenants == 1 ? one : base.withTenants(TENANT_PATTERN, KEY_PATTERN, tenants);
    String allName = tenants + " tenants";

    List<Rounds.Round> gatewayRounds = Rounds.alternate(rounds, List.of(
        round -> once(vertx, one, TargetKind.GATEWAY, "gateway " + first + " #" + round, section, rss),
        round -> {
          if (round == 1) {
            coldPass(vertx, all, allName, section, rss);
          }
          return once(vertx, all, TargetKind.GATEWAY, "gateway " + allName + " #" + round, section, rss);
        }));
    Rounds.Spread ratios = spread("gateway: " + allName + " vs " + first, gatewayRounds, section);
    boolean clean = section.results.stream().allMatch(LoadResult::clean);
    String load = gatewayRounds.get(0).get(0).load();
    section.checks.add(BenchCheck.atLeast(section.name, load, "throughput ratio " + allName + "/" + first
        + roundsOf(gatewayRounds), ratios, 3, "", MIN_TENANTS_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, load, "p99 added (" + allName + " - " + first + ")"
        + roundsOf(gatewayRounds), Rounds.Spread.of(gatewayRounds, round -> (round.get(1).p99Micros()
            - round.get(0).p99Micros()) / 1000.0), 2, " ms", clean));

    if (base.pgUrl() != null) {
      List<Rounds.Round> sqlRounds = Rounds.alternate(rounds, List.of(
          round -> once(vertx, one.withPgSchemas(base.pgUrl()), TargetKind.DIRECT, "direct " + first + " #" + round,
              section, rss),
          round -> once(vertx, all.withPgSchemas(base.pgUrl()), TargetKind.DIRECT, "direct " + allName + " #" + round,
              section, rss)));
      section.checks.add(BenchCheck.info(section.name, load, "PostgreSQL alone: throughput ratio " + allName
          + "/" + first + " (direct SQL" + roundsOf(sqlRounds) + ")",
          spread("direct SQL: " + allName + " vs " + first, sqlRounds, section), 3, "",
          section.results.stream().allMatch(LoadResult::clean)));
    }
  }

  /** Side 1 against side 0 of every round (kept in the section's pairings), and the spread of their throughput ratios. */
  private static Rounds.Spread spread(String name, List<Rounds.Round> rounds, BenchSection section) {
    List<Report.Comparison> compared = rounds.stream()
        .map(round -> Report.Comparison.between(name + " #" + round.number(), round.get(1), round.get(0))).toList();
    section.comparisons.addAll(compared);
    return Rounds.Spread.of(compared.stream().map(Report.Comparison::throughputRatio).toList());
  }

  /** limits: this section's gateway (limits off) against a second one with limits on. */
  private void limits(Vertx vertx, DevGatewayProcess off, BenchSection section, Path dir,
      java.util.function.Consumer<ChildProcess> track) throws Exception {
    out.printf("starting a second dev gateway with --rate-limits on ...%n");
    out.flush();
    try (DevGatewayProcess on = DevGatewayProcess.start(java(), serverJar, dir.resolve("data").resolve("limits-on"), 1,
        accessLog, true, null, dir.resolve("gateway-limits-on.log"), LoadgenCli.parseDuration(startupTimeout), track)) {
      out.printf("gateway with limits on (pid %d) ready on %s%n", on.process.pid(), on.address);
      new OnOffComparison(vertx, "rate limits", closed(16), out).run(on, off, timing.timeout(), section, rounds);
    }
  }

  /** audit: this section's gateway (audit trail on, the default) against a second one with --audit off. */
  private void audit(Vertx vertx, DevGatewayProcess on, BenchSection section, Path dir,
      java.util.function.Consumer<ChildProcess> track) throws Exception {
    out.printf("starting a second dev gateway with --audit off ...%n");
    out.flush();
    try (DevGatewayProcess off = DevGatewayProcess.start(java(), "256m", 0, serverJar,
        dir.resolve("data").resolve("audit-off"), 1, accessLog, false, null, List.of("--audit", "off"),
        dir.resolve("gateway-audit-off.log"), LoadgenCli.parseDuration(startupTimeout), track)) {
      out.printf("gateway with audit off (pid %d) ready on %s%n", off.process.pid(), off.address);
      new OnOffComparison(vertx, "audit", closed(16), out).run(on, off, timing.timeout(), section, rounds);
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
      dataDirectories(root).forEach(DevGatewayProcess::stopLeftovers);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Embedded PostgreSQL's data under each comparison's directory; the logs stay. */
  private static List<Path> dataDirectories(Path root) {
    List<Path> dirs = new ArrayList<>();
    COMPARISONS.forEach(name -> dirs.add(root.resolve(name).resolve("data")));
    EVENTS_GATEWAYS.forEach(gateway -> dirs.add(root.resolve(EVENTS).resolve(gateway).resolve("data")));
    return dirs;
  }

  private static void deleteDataDirectories(Path root) {
    for (Path data : dataDirectories(root)) {
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
