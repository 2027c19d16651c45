package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench limits}: what enforcing rate limits costs on the hot path. Two dev gateways, one with
 * {@code --rate-limits on} and one with {@code off}, each serving bench tenant bench0000 (whose limits
 * are far above this load, so every call is checked and none refused), take ListConnections of alice
 * at closed x16 in turn: {@value #ROUNDS} rounds, the side that goes first alternating, and the
 * verdict is the median of the rounds' throughput ratios (on/off) against {@value #MIN_RATIO}, with
 * the rounds' spread (min–max) beside it.
 */
final class LimitsComparison {

  static final int ROUNDS = 3;
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

  void run(DevGatewayProcess on, DevGatewayProcess off, java.time.Duration timeout, BenchSection section)
      throws Exception {
    List<Report.Comparison> rounds = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      boolean onFirst = round % 2 == 0;
      LoadResult first = once(onFirst ? on : off, onFirst, round, timeout, section);
      LoadResult second = once(onFirst ? off : on, !onFirst, round, timeout, section);
      LoadResult withLimits = onFirst ? first : second;
      LoadResult without = onFirst ? second : first;
      rounds.add(Report.Comparison.between("gateway: rate limits on vs off #" + round, withLimits, without));
    }
    section.comparisons.addAll(rounds);
    Report.Comparison median = BenchCommand.median(rounds);
    double min = rounds.stream().mapToDouble(Report.Comparison::throughputRatio).min().orElse(0);
    double max = rounds.stream().mapToDouble(Report.Comparison::throughputRatio).max().orElse(0);
    boolean clean = section.results.stream().allMatch(LoadResult::clean);
    String spread = String.format(Locale.ROOT, "spread %.3f–%.3f%s", min, max,
        min < MIN_RATIO && max >= MIN_RATIO ? ", crosses the target" : "");
    out.printf("limits: throughput ratio on/off per round %s; median %.3f, %s%n",
        rounds.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.throughputRatio())).toList(),
        median.throughputRatio(), spread);
    section.checks.add(BenchCheck.atLeast(section.name, median.load(), "throughput ratio limits on/off (median of "
        + ROUNDS + " alternating rounds, " + spread + ")", median.throughputRatio(), 3, "", MIN_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, median.load(), "p99 added (limits on - off, that round)",
        median.p99AddedMicros() / 1000.0, 2, " ms", clean));
  }

  private LoadResult once(DevGatewayProcess gateway, boolean limitsOn, int round, java.time.Duration timeout,
      BenchSection section) throws Exception {
    RunSettings settings = new RunSettings(gateway.address, null, TENANT, "mgk_bench_" + TENANT, 1, "alice", null, 4,
        timeout, RpcKind.LIST_CONNECTIONS, "", 10, gateway.gmailRootUrl, 16, "alice@example.com", null, false);
    out.printf("rate limits %s, round %d: ", limitsOn ? "on" : "off", round);
    LoadResult result = new ComparisonRun(vertx, settings, out).run(List.of(TargetKind.GATEWAY), load).get(0)
        .withTarget("gateway limits " + (limitsOn ? "on" : "off") + " #" + round);
    section.results.add(result);
    return result;
  }
}
