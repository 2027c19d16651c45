package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code bench audit}: what recording the audit trail costs on the hot path. Two dev gateways, one
 * with the audit trail on (the default) and one started with {@code --audit off}, each serving bench
 * tenant bench0000 (rate limits off on both), take ListConnections of alice (an audited call: every
 * call becomes an entry, written in batches) at closed x16 in turn for the bench's rounds
 * ({@link Rounds}); the verdict is the median of the rounds' throughput ratios (on/off) against
 * {@value #MIN_RATIO}, with their spread beside it.
 */
final class AuditComparison {

  static final double MIN_RATIO = 0.95;
  static final String TENANT = "bench0000";

  private final Vertx vertx;
  private final LoadSpec load;
  private final PrintWriter out;

  AuditComparison(Vertx vertx, LoadSpec load, PrintWriter out) {
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
        "gateway: audit on vs off #" + round.number(), round.get(1), round.get(0))).toList();
    section.comparisons.addAll(compared);
    boolean clean = section.results.stream().allMatch(LoadResult::clean);
    String load = done.get(0).get(0).load();
    section.checks.add(BenchCheck.atLeast(section.name, load, "throughput ratio audit on/off",
        Rounds.Spread.of(compared.stream().map(Report.Comparison::throughputRatio).toList()), 3, "", MIN_RATIO, clean));
    section.checks.add(BenchCheck.info(section.name, load, "p99 added (audit on - off)",
        Rounds.Spread.of(compared.stream().map(c -> c.p99AddedMicros() / 1000.0).toList()), 2, " ms", clean));
  }

  private LoadResult once(DevGatewayProcess gateway, boolean auditOn, int round, java.time.Duration timeout,
      BenchSection section) throws Exception {
    RunSettings settings = new RunSettings(gateway.address, null, TENANT, "mgk_bench_" + TENANT, 1, "alice", null, 4,
        timeout, RpcKind.LIST_CONNECTIONS, "", 10, gateway.gmailRootUrl, 16, "alice@example.com", null, false, null);
    out.printf("audit %s, round %d: ", auditOn ? "on" : "off", round);
    LoadResult result = new ComparisonRun(vertx, settings, out).run(List.of(TargetKind.GATEWAY), load).get(0)
        .withTarget("gateway audit " + (auditOn ? "on" : "off") + " #" + round);
    section.results.add(result);
    return result;
  }
}
