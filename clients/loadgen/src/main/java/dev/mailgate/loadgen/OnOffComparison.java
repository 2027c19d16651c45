package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.List;

/**
 * What a feature costs on the hot path: {@code bench limits} (rate limits enforced, bench tenant
 * bench0000's limits far above this load, so every call is checked and none refused) and
 * {@code bench audit} (every call an audit entry, written in batches). Two dev gateways, one with the
 * feature on and one started with it off, take ListConnections of alice at closed x16 in turn for
 * the bench's rounds ({@link Rounds}), and the verdict is the median of the rounds' throughput ratios
 * (on/off) against {@value #MIN_RATIO}, with their spread beside it.
 */
final class OnOffComparison {

  static final double MIN_RATIO = 0.95;
  static final String TENANT = "bench0000";

  private final Vertx vertx;
  private final LoadSpec load;
  private final PrintWriter out;
  /** The feature as reports name it: {@code rate limits}, {@code audit}. */
  private final String feature;

  OnOffComparison(Vertx vertx, String feature, LoadSpec load, PrintWriter out) {
    this.vertx = vertx;
    this.feature = feature;
    this.load = load;
    this.out = out;
  }

  void run(DevGatewayProcess on, DevGatewayProcess off, java.time.Duration timeout, BenchSection section, int rounds)
      throws Exception {
    List<Rounds.Round> done = Rounds.alternate(rounds, List.of(
        round -> once(off, false, round, timeout, section),
        round -> once(on, true, round, timeout, section)));
    List<Report.Comparison> compared = done.stream().map(round -> Report.Comparison.between(
        "gateway: " + feature + " on vs off #" + round.number(), round.get(1), round.get(0))).toList();
    section.comparisons.addAll(compared);
    boolean clean = section.results.stream().allMatch(LoadResult::clean);
    String load = done.get(0).get(0).load();
    section.checks.add(BenchCheck.atLeast(section.name, load, "throughput ratio " + feature + " on/off",
        Rounds.Spread.of(compared.stream().map(Report.Comparison::throughputRatio).toList()), 3, "", MIN_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, load, "p99 added (" + feature + " on - off)",
        Rounds.Spread.of(compared.stream().map(c -> c.p99AddedMicros() / 1000.0).toList()), 2, " ms", clean));
  }

  private LoadResult once(DevGatewayProcess gateway, boolean featureOn, int round, java.time.Duration timeout,
      BenchSection section) throws Exception {
    RunSettings settings = new RunSettings(gateway.address, null, TENANT, "mgk_bench_" + TENANT, 1, "alice", null, 4,
        timeout, RpcKind.LIST_CONNECTIONS, "", 10, gateway.gmailRootUrl, 16, "alice@example.com", null, false, null);
    out.printf("%s %s, round %d: ", feature, featureOn ? "on" : "off", round);
    LoadResult result = new ComparisonRun(vertx, settings, out).run(List.of(TargetKind.GATEWAY), load).get(0)
        .withTarget("gateway " + feature + " " + (featureOn ? "on" : "off") + " #" + round);
    section.results.add(result);
    return result;
  }
}
