package dev.mailgate.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sandbox is a library of its own: tests and dev mode use it, and it uses nothing of the
 * gateway. Once it is a module of its own, compilation enforces this and the test can go.
 */
class SandboxIndependenceTest {

  private static final Path SOURCES = Path.of("src/main/java/dev/mailgate/server/sandbox");
  /** A name of the gateway's: {@code dev.mailgate.} followed by anything but {@code server.sandbox.}. */
  private static final Pattern GATEWAY_NAME = Pattern.compile("\\bdev\\.mailgate\\.(?!server\\.sandbox[.;])\\w");

  @Test
  void noSandboxSourceNamesAGatewayClass() throws IOException {
    assertThat(SOURCES).isDirectory();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      List<String> offending = files.filter(f -> f.toString().endsWith(".java")).flatMap(SandboxIndependenceTest::lines)
          .filter(line -> GATEWAY_NAME.matcher(line).find()).toList();
      assertThat(offending).isEmpty();
    }
  }

  private static Stream<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(line -> SOURCES.relativize(file) + ": " + line.trim());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
