package dev.mailgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class CpuMeterTest {

  /** Like a PostgreSQL backend that ends mid-run: its CPU stays counted once it has exited. */
  @Test
  void cpuOfAChildThatExitedStaysCounted(@TempDir Path dataDir) throws Exception {
    // The root's command line names the data directory, as the postmaster's does; its child spins, then exits.
    Process root = new ProcessBuilder("bash", "-c", "timeout 0.6 sh -c 'while :; do :; done'; sleep 30; true",
        dataDir.toString()).start();
    try {
      CpuMeter meter = new CpuMeter(-1, dataDir, java.util.Map.of());
      Thread.sleep(300);
      double whileRunning = meter.snapshot().get("postgres");
      Thread.sleep(1_200);
      double afterExit = meter.snapshot().get("postgres");
      assertThat(afterExit).isGreaterThanOrEqualTo(whileRunning).isGreaterThan(0.2);
    } finally {
      root.destroy();
      root.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
