package dev.mailgate.server.cli;

import dev.mailgate.server.FreePort;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code mailgate serve} as a process of its own, started from a given classpath (this module's
 * build output, or the layers of the container image) with {@code dev.mailgate.server.Main}: one
 * tenant on the test PostgreSQL, a master key made by {@code keys create-master-key} of the same
 * classpath, the keysets in a directory of its own.
 */
public final class ServeProcess implements AutoCloseable {

  public static final String MAIN = "dev.mailgate.server.Main";

  private final Process process;
  private final Path log;
  private final int port;

  private ServeProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code serve} with {@code --drain-timeout drain} and waits until {@code /healthz} answers 200. */
  public static ServeProcess start(String classpath, Path dir, Duration drain) throws Exception {
    TestPostgres postgres = TestPostgres.get();
    String database = "serve_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    postgres.createDatabase(database);
    Path tenants = Files.createDirectories(dir.resolve("tenants"));
    int port = FreePort.pick();
    Files.writeString(tenants.resolve("acme.yaml"), TestGateway.tenantYaml("acme", database, TestGateway.ACME_KEY));
    Map<String, String> environment = Map.of("TEST_PUBLIC_URL", "http://127.0.0.1:" + port,
        "TEST_CLIENT_SECRET", "test-client-secret", "TEST_DB_HOST", postgres.host(),
        "TEST_DB_PORT", Integer.toString(postgres.port()), "TEST_DB_USER", postgres.user(),
        "TEST_DB_PASSWORD", postgres.password());
    Path masterKey = dir.resolve("master-key.json");
    Path log = dir.resolve("serve.log");
    Process keys = builder(classpath, environment, log, List.of("keys", "create-master-key", "--master-key",
        masterKey.toString())).start();
    if (!keys.waitFor(60, TimeUnit.SECONDS) || keys.exitValue() != 0) {
      keys.destroyForcibly();
      throw new AssertionError("keys create-master-key failed:\n" + Files.readString(log));
    }
    Process serve = builder(classpath, environment, log, List.of("serve", "--config", tenants.toString(),
        "--master-key", masterKey.toString(), "--keyset-dir", dir.resolve("keysets").toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--drain-timeout", drain.toString())).start();
    ServeProcess started = new ServeProcess(serve, log, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try {
        if (started.get("/healthz").statusCode() == 200) {
          return started;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      if (!serve.isAlive() || System.nanoTime() > deadline) {
        started.close();
        throw new AssertionError("serve did not start:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  private static ProcessBuilder builder(String classpath, Map<String, String> environment, Path log,
      List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", classpath, MAIN));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    return builder;
  }

  public HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public Process process() {
    return process;
  }

  public String log() throws Exception {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
