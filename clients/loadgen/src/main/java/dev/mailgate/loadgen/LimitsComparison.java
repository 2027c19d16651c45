package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code bench limits}: what enforcing rate limits costs on the hot path. Two dev gateways, one with
 * {@code --rate-limits on} and one with {@code off}, each serving bench tenant bench0000 (whose limits
 * are far above this load, so every call is checked and none refused), take ListConnections of alice
 * at closed x16 in turn for the bench's rounds ({@link Rounds}), and the verdict is the median of the
 * rounds' throughput ratios (on/off) against {@value #MIN_RATIO}, with their spread beside it.
 */
final class LimitsComparison {

  static final double MIN_RATIO = 0.95;
  static final String TENANT = "bench0000";

  private final Vertx vertx;
  private final LoadSpec load;
  private final PrintWriter out;

  LimitsComparison(Vertx vertx, LoadSpec load, PrintWriter out) {
    this.vertx = vertx;
    this.load = load;
    this.out = out;
  }

  void run(DevGatewayProcess on, DevGatewayProcess off, java.time.Duration timeout, BenchSection section, int rounds)
      throws Exception {
    List<Rounds.Round> done = Rounds.alternate(rounds, List.of(
        round -> once(off, false, round, timeout, section),
        round -> once(on, true, round, timeout, section)));
    List<Report.Comparison> compared = done.stream().map(round -> Report.Comparison.between(
        "gateway: rate limits on vs off #" + round.number(), round.get(1), round.get(0))).toList();
    section.comparisons.addAll(compared);
    boolean clean = section.results.stream().allMatch(LoadResult::clean);
    String load = done.get(0).get(0).load();
    section.checks.add(BenchCheck.atLeast(section.name, load, "throughput ratio limits on/off",
        Rounds.Spread.of(compared.stream().map(Report.Comparison::throughputRatio).toList()), 3, "", MIN_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, load, "p99 added (limits on - off)",
        Rounds.Spread.of(compared.stream().map(c -> c.p99AddedMicros() / 1000.0).toList()), 2, " ms", clean));
  }

  private LoadResult once(DevGatewayProcess gateway, boolean limitsOn, int round, java.time.Duration timeout,
      BenchSection section) throws Exception {
    RunSettings settings = new RunSettings(gateway.address, null, TENANT, "mgk_bench_" + TENANT, 1, "alice", null, 4,
        timeout, RpcKind.LIST_CONNECTIONS, "", 10, gateway.gmailRootUrl, 16, "alice@example.com", null, false, null);
    out.printf("rate limits %s, round %d: ", limitsOn ? "on" : "off", round);
    LoadResult result = new ComparisonRun(vertx, settings, out).run(List.of(TargetKind.GATEWAY), load).get(0)
        .withTarget("gateway limits " + (limitsOn ? "on" : "off") + " #" + round);
    section.results.add(result);
    return result;
  }
}
