package dev.mailgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code mailgate serve} as its own process (this module's classes and the runtime jars of
 * {@code target/runtime-classpath.txt}, what the app jar runs): live and ready once started, and
 * on SIGTERM it drains and exits 0, not the JVM's 143, well before the drain timeout when nothing
 * is in flight. (Calls and streams in flight during SIGTERM: server/dev's SigtermDrainProcessTest.)
 */
class ServeSigtermTest {

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

  @Test
  void serveIsReadyAndExitsZeroOnSigterm() throws Exception {
    String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
        + Files.readString(Path.of("target", "runtime-classpath.txt")).trim();
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "serve-sigterm");
    try (ServeProcess serve = ServeProcess.start(classpath, dir, DRAIN_TIMEOUT)) {
      assertThat(serve.get("/readyz").statusCode()).as(serve.log()).isEqualTo(200);

      long signalled = System.nanoTime();
      serve.process().destroy(); // SIGTERM
      assertThat(serve.process().waitFor(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("serve exits within its drain timeout").isTrue();
      assertThat(serve.process().exitValue()).as(serve.log()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(DRAIN_TIMEOUT);
      assertThat(serve.log()).contains("SIGTERM received").contains("stopping: draining calls").contains("stopped");
    }
  }
}
