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
