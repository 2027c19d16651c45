package dev.mailgate.server.mail;

import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.testing.Browser;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A {@link CrashableGateway} process for the crash tests: starts it, SIGKILLs it at random and
 * starts it again until stopped. PostgreSQL and the provider sandboxes belong to the test's JVM.
 */
final class GatewaySupervisor {

  /** A mailbox connected through the gateway: its provider, user, address and connection id. */
  record Account(Provider provider, String userId, String address, String connectionId) {}

  final AtomicInteger starts = new AtomicInteger();
  final AtomicInteger killsByTest = new AtomicInteger();
  final AtomicInteger killsBySelf = new AtomicInteger();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Path dir;
  private final List<String> command;
  private final Map<String, String> environment;
  private final ManagedChannel channel;
  private volatile Process process;

  /** {@code properties}: the process's own {@code -Dcrash.*} settings (send policy, self-kills, watching). */
  GatewaySupervisor(Path dir, Path tenants, int port, LocalProviders providers, TestPostgres postgres,
      ManagedChannel channel, List<String> properties) {
    this(dir, dir.resolve("secrets"), tenants, port, providers, postgres, channel, properties);
  }

  /** A process keeping its master key and keysets in {@code secrets} (nodes of one deployment share them). */
  GatewaySupervisor(Path dir, Path secrets, Path tenants, int port, LocalProviders providers, TestPostgres postgres,
      ManagedChannel channel, List<String> properties) {
    this.dir = dir;
    this.channel = channel;
    var oauth = providers.oauthServer();
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx384m", "-XX:TieredStopAtLevel=1",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-Dcrash.tenants=" + tenants, "-Dcrash.secrets=" + secrets, "-Dcrash.port=" + port,
        "-Dcrash.readyFile=" + dir.resolve("ready"),
        "-Dcrash.gmailRoot=" + providers.gmailRootUrl(), "-Dcrash.graphRoot=" + providers.graphRootUrl(),
        "-Dcrash.google.authorize=" + oauth.authorizationEndpointUrl("google"),
        "-Dcrash.google.token=" + oauth.tokenEndpointUrl("google"),
        "-Dcrash.microsoft.authorize=" + oauth.authorizationEndpointUrl("microsoft"),
        "-Dcrash.microsoft.token=" + oauth.tokenEndpointUrl("microsoft")));
    command.addAll(properties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashableGateway.class.getName()));
    this.command = List.copyOf(command);
    environment = Map.of("TEST_PUBLIC_URL", "http://127.0.0.1:" + port, "TEST_CLIENT_SECRET", "test-client-secret",
        "TEST_DB_HOST", postgres.host(), "TEST_DB_PORT", Integer.toString(postgres.port()),
        "TEST_DB_USER", postgres.user(), "TEST_DB_PASSWORD", postgres.password());
  }

  void startAndAwaitReady() throws Exception {
    Path ready = dir.resolve("ready");
    Files.deleteIfExists(ready);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()));
    builder.environment().putAll(environment);
    process = builder.start();
    starts.incrementAndGet();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!Files.exists(ready)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the gateway did not start; see " + dir.resolve("gateway.log"));
      }
      Thread.sleep(50);
    }
    channel.resetConnectBackoff();
  }

  /**
   * Until stopped: SIGKILL the gateway once {@code progress} grew by a random 0.5 to 1.5 times
   * {@code every} since it started (or notice it killed itself), and start it again. Killing by
   * progress rather than time: a cold gateway on a busy machine is never killed before it did anything.
   */
  void killAtRandom(LongSupplier progress, long every) {
    try {
      while (!stopped.get()) {
        Process running = process;
        long target = progress.getAsLong() + every / 2 + ThreadLocalRandom.current().nextLong(every + 1);
        while (!stopped.get() && running.isAlive() && progress.getAsLong() < target) {
          Thread.sleep(10);
        }
        if (stopped.get()) {
          return;
        }
        if (!running.isAlive()) {
          killsBySelf.incrementAndGet();
        } else {
          running.destroyForcibly(); // SIGKILL
          running.waitFor();
          killsByTest.incrementAndGet();
        }
        startAndAwaitReady();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The running process's id (to signal it). */
  long pid() {
    return process.pid();
  }

  void stop() throws InterruptedException {
    stopped.set(true);
    Process running = process;
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
      running.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Connects a new user's mailbox on an OAuth provider through the gateway (the local OAuth server's sign-in). */
  static Account connect(ManagedChannel channel, Provider provider, String domain) throws Exception {
    String userId = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    String address = userId + "@" + domain;
    var connections = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
    var started = connections.startAuthorization(StartAuthorizationRequest.newBuilder().setUserId(userId)
        .setProvider(provider).build());
    Map<String, String> callback = Browser.query(new Browser().signIn(started.getAuthorizationUrl(), address));
    var connection = connections.completeAuthorization(CompleteAuthorizationRequest.newBuilder()
        .setState(callback.get("state")).setCode(callback.get("code")).build());
    return new Account(provider, userId, address, connection.getConnectionId());
  }
}
