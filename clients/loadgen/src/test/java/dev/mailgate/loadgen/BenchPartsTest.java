package dev.mailgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's parts that need no gateway: banner parsing, stopping, log masking, verdicts. */
class BenchPartsTest {

  private static final String BANNER = """
      Starting embedded PostgreSQL in /tmp/x ...

      Mailgate dev gateway ready on 127.0.0.1:40001 (gRPC over h2c, reflection on)
        PostgreSQL (embedded) on 127.0.0.1:40002, one database per tenant
        Gmail sandbox API root http://127.0.0.1:40003/ (bearer: any unexpired JWT whose sub is the mailbox)
        tenant acme     database mailgate_acme      api key mgk_dev_acme_5f2c9a7e41d8
        tenant globex   database mailgate_globex    api key mgk_dev_globex_b83e06d2c7a4
      authorization: Bearer secret.token.here

      Press Ctrl-C to stop.
      """;

  @Test
  void readsTheDevBannerStopsTheProcessAndMasksItsLog(@TempDir Path dir) throws Exception {
    Path banner = dir.resolve("banner.txt");
    Files.writeString(banner, BANNER);
    Path log = dir.resolve("gateway.log");
    ChildProcess process = ChildProcess.start("gateway", List.of("sh", "-c", "cat '" + banner + "'; exec sleep 60"), log);
    try {
      DevGatewayProcess gateway = DevGatewayProcess.read(process, dir.resolve("data"), Duration.ofSeconds(10));
      assertThat(gateway.address).isEqualTo("127.0.0.1:40001");
      assertThat(gateway.gmailRootUrl).isEqualTo("http://127.0.0.1:40003/");
      assertThat(gateway.acmePgUrl()).isEqualTo("postgresql://postgres@127.0.0.1:40002/mailgate_acme");
      assertThat(gateway.acmeApiKey()).isEqualTo("mgk_dev_acme_5f2c9a7e41d8");
      long pid = process.pid();
      gateway.close();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    } finally {
      process.stop();
    }
    String written = Files.readString(log);
    assertThat(written).contains("ready on 127.0.0.1:40001", "api key mgk_***", "Bearer ***")
        .doesNotContain("5f2c9a7e41d8", "b83e06d2c7a4", "secret.token");
  }

  @Test
  void aProcessThatExitsEarlyIsReportedWithItsLog(@TempDir Path dir) throws Exception {
    ChildProcess process = ChildProcess.start("gateway", List.of("sh", "-c", "echo Unknown option: '--bench-tenants'; exit 2"),
        dir.resolve("gateway.log"));
    try {
      assertThatThrownBy(() -> DevGatewayProcess.read(process, dir.resolve("data"), Duration.ofSeconds(10)))
          .hasMessageContaining("exited with code 2").hasMessageContaining("gateway.log");
    } finally {
      process.stop();
    }
  }

  @Test
  void verdictsNeverPassOnFailedCalls() {
    assertThat(BenchCheck.atLeast("direct", "closed x16", "ratio", 0.9, 3, "", 0.8, true).verdict()).isEqualTo("PASS");
    assertThat(BenchCheck.atLeast("direct", "closed x16", "ratio", 0.7, 3, "", 0.8, true).verdict()).isEqualTo("MISS");
    assertThat(BenchCheck.atMost("direct", "open 1000/s", "p99 added", 1.5, 2, " ms", 2.0, true).verdict())
        .isEqualTo("PASS");
    assertThat(BenchCheck.atMost("direct", "open 1000/s", "p99 added", 0, 2, " ms", 2.0, false).verdict())
        .isEqualTo("FAILED CALLS");
    assertThat(BenchCheck.info("tenants", "closed x16", "ratio", 1, 3, "", true).verdict()).isEqualTo("-");
    assertThat(BenchCheck.atMost("direct", "open 1000/s", "p99 added", 1.5, 2, " ms", 2.0, true).target())
        .isEqualTo("<= 2.00 ms");
  }

  @Test
  void aSpreadThatCrossesTheTargetIsUndecided() {
    Rounds.Spread crossing = Rounds.Spread.of(List.of(0.77, 1.69, 0.95));
    assertThat(crossing.median()).isEqualTo(0.95);
    BenchCheck undecided = BenchCheck.atLeast("grpc-java", "closed x16", "ratio", crossing, 3, "", 0.8, true);
    assertThat(undecided.value()).isEqualTo(0.95);
    assertThat(undecided.verdict()).isEqualTo("UNDECIDED");
    assertThat(undecided.formattedValue()).isEqualTo("0.950 (0.770..1.690)");
    assertThat(BenchCheck.atLeast("grpc-java", "closed x16", "ratio", Rounds.Spread.of(List.of(0.9, 1.2, 0.85)), 3,
        "", 0.8, true).verdict()).isEqualTo("PASS");
    assertThat(BenchCheck.atMost("search", "closed x4", "p50 added", Rounds.Spread.of(List.of(1.2, 5.9, 8.7)), 2,
        " ms", 1.0, true).verdict()).isEqualTo("MISS");
    assertThat(BenchCheck.atMost("search", "closed x4", "p50 added", Rounds.Spread.of(List.of(0.4, 1.1, 0.8)), 2,
        " ms", 1.0, true).verdict()).isEqualTo("UNDECIDED");
    assertThat(BenchCheck.atMost("search", "closed x4", "p50 added", Rounds.Spread.of(List.of(0.4, 1.1, 0.8)), 2,
        " ms", 1.0, false).verdict()).isEqualTo("FAILED CALLS");
    assertThat(BenchCheck.info("direct", "closed x16", "us", Rounds.Spread.of(List.of(3.0, 1.0, 2.0)), 0, " us", true)
        .verdict()).isEqualTo("-");
    assertThat(undecided.toJson().getJsonObject("spread").getJsonArray("rounds")).containsExactly(0.77, 1.69, 0.95);
    // An even number of rounds: the mean of the middle two.
    assertThat(Rounds.Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
  }

  @Test
  void roundsAlternateTheSidesInOrder() throws Exception {
    List<String> order = new java.util.ArrayList<>();
    LoadResult template = new LoadResult("x", "closed", 0, 16, 1, 1, 10, 10, 0, Map.of("OK", 10L), 10, 10, 1, 2, 3, 4, 1,
        1);
    List<Rounds.Round> rounds = Rounds.alternate(3, List.of(
        round -> {
          order.add("direct #" + round);
          return template.withTarget("direct #" + round);
        },
        round -> {
          order.add("gateway #" + round);
          return template.withTarget("gateway #" + round);
        }));
    assertThat(order).containsExactly("direct #1", "gateway #1", "direct #2", "gateway #2", "direct #3", "gateway #3");
    assertThat(rounds).extracting(Rounds.Round::number).containsExactly(1, 2, 3);
    assertThat(rounds.get(2).get(1).target()).isEqualTo("gateway #3");
    assertThat(Rounds.Spread.of(rounds, round -> round.number() * 2.0).values()).containsExactly(2.0, 4.0, 6.0);
  }

  @Test
  void cpuPerCallIsKeptPerProcessAndRun() {
    BenchSection section = new BenchSection("search");
    LoadResult run = new LoadResult("gateway #1", "closed", 0, 4, 1, 2, 200, 200, 0, Map.of("OK", 200L), 200, 100, 1, 2,
        3, 4, 1, 1);
    section.addCpu(run, Map.of("gateway", 0.5, "loadgen", 0.1));
    // 0.5 cores at 100 calls/s: 5 ms of the gateway's CPU per call.
    assertThat(section.microsPerCall(run, "gateway")).isEqualTo(5000.0);
    assertThat(section.microsPerCall(run, "loadgen")).isEqualTo(1000.0);
    assertThat(section.microsPerCall(run, "sandbox")).isNaN();
    assertThat(BenchReport.detail(List.of(section))).contains("us per call by process").contains("gateway 5000");
  }

  @Test
  void theRatioTableComesWithEveryCheckAndWhatDidNotRun() {
    BenchSection direct = new BenchSection("direct");
    direct.checks.add(BenchCheck.atLeast("direct", "closed x16", "throughput ratio gateway/direct", 0.5, 3, "", 0.8, true));
    BenchSection tenants = new BenchSection("tenants");
    tenants.failure = "gateway exited with code 2";
    String table = BenchReport.ratioTable(List.of(direct, tenants));
    assertThat(table).contains("throughput ratio gateway/direct", "0.500", ">= 0.800", "MISS",
        "did not finish (see below)", "NOT RUN", "tenants did not finish: gateway exited with code 2");
    assertThat(tenants.clean()).isFalse();
    LoadResult ok = new LoadResult("gateway", "closed", 0, 16, 1, 1, 10, 10, 0, Map.of("OK", 10L), 10, 10, 1, 2, 3, 4, 1, 1);
    direct.results.add(ok);
    assertThat(direct.clean()).isTrue();
    direct.results.add(ok.withTarget("direct"));
    assertThat(BenchReport.json(List.of(direct, tenants), "5s", "20s").getJsonArray("comparisons")).hasSize(2);
  }
}
