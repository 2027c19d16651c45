package dev.mailgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many tenants without a server: the patterns, the round-robin, and a cold pass touching each tenant once. */
class TenantsTest {

  @Test
  void patternsAreFormattedForEachTenant() {
    Tenants tenants = Tenants.of("bench%04d", "mgk_bench_bench%04d", 1000);
    assertThat(tenants.size()).isEqualTo(1000);
    assertThat(tenants.get(0)).isEqualTo(new Tenants.Credentials("bench0000", "mgk_bench_bench0000"));
    assertThat(tenants.get(999)).isEqualTo(new Tenants.Credentials("bench0999", "mgk_bench_bench0999"));
    assertThat(tenants.get(42).authorization()).isEqualTo("Bearer mgk_bench_bench0042");
    assertThat(tenants.describe()).isEqualTo("bench0000..bench0999 (1000 tenants)");
  }

  @Test
  void oneTenantIsTakenLiterally() {
    Tenants tenants = Tenants.of("acme", "mgk_with_%_sign", 1);
    assertThat(tenants.next()).isEqualTo(new Tenants.Credentials("acme", "mgk_with_%_sign"));
    assertThat(tenants.next()).isEqualTo(tenants.get(0));
    assertThat(tenants.describe()).isEqualTo("acme");
  }

  @Test
  void roundRobinStartsAtTheFirstTenantAndWraps() {
    Tenants tenants = Tenants.of("t%d", "k%d", 3);
    assertThat(java.util.stream.Stream.generate(tenants::next).limit(7).map(Tenants.Credentials::tenantId))
        .containsExactly("t0", "t1", "t2", "t0", "t1", "t2", "t0");
  }

  @Test
  void aTenantWithoutAPatternIsRefusedForSeveralTenants() {
    assertThatThrownBy(() -> Tenants.of("acme", "k%d", 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tenants.of("t%d", "k%d", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void credentialsNeverPrintTheKey() {
    assertThat(new Tenants.Credentials("acme", "mgk_secret").toString()).doesNotContain("mgk_secret");
  }

  @Test
  void coldPassCallsEachTenantExactlyOnceAtMostSixteenAtATime() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Tenants tenants = Tenants.of("bench%04d", "mgk_bench_bench%04d", 1000);
      Map<String, Integer> seen = new HashMap<>();
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger maxInFlight = new AtomicInteger();
      LoadTarget fake = new LoadTarget() {
        @Override
        public String name() {
          return "fake";
        }

        @Override
        public Future<String> call() {
          String tenant = tenants.next().tenantId();
          synchronized (seen) {
            seen.merge(tenant, 1, Integer::sum);
          }
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          // Every 10th tenant fails, so errors are counted by status and never as successes.
          String status = tenant.endsWith("0") ? "UNAUTHENTICATED" : LoadTarget.OK;
          return vertx.timer(1).map(v -> {
            inFlight.decrementAndGet();
            return status;
          });
        }

        @Override
        public void close() {
        }
      };
      LoadResult cold = new LoadEngine(vertx).coldPass(fake, 1000, 16, Duration.ofSeconds(30));
      assertThat(seen).hasSize(1000).allSatisfy((tenant, calls) -> assertThat(calls).isEqualTo(1));
      assertThat(maxInFlight.get()).isLessThanOrEqualTo(16).isGreaterThan(1);
      assertThat(cold.requests()).isEqualTo(1000);
      assertThat(cold.statuses()).containsOnly(Map.entry("OK", 900L), Map.entry("UNAUTHENTICATED", 100L));
      assertThat(cold.ok()).isEqualTo(900);
      assertThat(cold.errors()).isEqualTo(100);
      assertThat(cold.histogramCount()).isEqualTo(900);
      assertThat(cold.load()).isEqualTo("cold first call");
      assertThat(Report.table(java.util.List.of(cold))).contains("cold first call", "UNAUTHENTICATED=100");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
