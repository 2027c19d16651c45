package dev.mailgate.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A collector that takes connections and never answers (every export hangs until its 5 s
 * timeout) costs the calls nothing: spans wait in the bounded queue or are dropped.
 */
class UnresponsiveCollectorTest {

  static final ServerSocket blackHole = listenWithoutAccepting();
  static final TraceExport EXPORT = TraceExport.to(URI.create("http://127.0.0.1:" + blackHole.getLocalPort()), 1.0)
      .withExportDelay(Duration.ofMillis(50));

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withTraces(EXPORT),
      () -> Tracing.install(EXPORT, dev.mailgate.server.metrics.MeteredVertx.builder()).build());

  private static ServerSocket listenWithoutAccepting() {
    try {
      return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void close() throws IOException {
    blackHole.close();
  }

  @Test
  void callsNeitherWaitForNorFailOnTheExport() {
    var users = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    // The tenant's pool and schema are made by the first call; the ones after it are measured.
    users.createUser(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("warm")).build());
    long slowest = 0;
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int calls = 0;
    while (System.nanoTime() < end || calls < 20) {
      long start = System.nanoTime();
      users.createUser(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("untraced")).build());
      slowest = Math.max(slowest, System.nanoTime() - start);
      calls++;
    }
    // An export waits up to 5 s for this collector: a call that waited on one would show it.
    assertThat(Duration.ofNanos(slowest)).as("the slowest of " + calls + " calls").isLessThan(Duration.ofSeconds(2));
  }
}
