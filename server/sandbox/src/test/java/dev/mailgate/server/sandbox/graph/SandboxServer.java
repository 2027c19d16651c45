package dev.mailgate.server.sandbox.graph;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Graph sandbox on a loopback port, mounted on a plain router the way the lead mounts it, and
 * a Vert.x WebClient (what the Outlook provider uses) to call it.
 */
final class SandboxServer implements AutoCloseable {

  private static final AtomicInteger NEXT_MAILBOX = new AtomicInteger();

  /** Files sent mail at once, so the API tests can look at Sent Items right after the 202 (FilingDelayApiTest does not). */
  final GraphSandbox sandbox = GraphSandbox.create().filingDelay(java.time.Duration.ZERO);
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final WebClient client;

  SandboxServer() throws Exception {
    Router router = Router.router(vertx);
    sandbox.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()), new PoolOptions().setHttp1MaxSize(16));
  }

  /** A mailbox address no other test uses. */
  static String newAddress(String name) {
    return name + "-" + NEXT_MAILBOX.incrementAndGet() + "@example.com";
  }

  /** A client calling as {@code address}. */
  GraphClient as(String address) {
    return new GraphClient(client, "Bearer " + token(address, Instant.now().plusSeconds(3600)));
  }

  /** A client sending {@code authorization} as it is (null for none). */
  GraphClient withAuthorization(String authorization) {
    return new GraphClient(client, authorization);
  }

  /** A JWT shaped like the local OAuth server's; the sandbox checks shape and expiry, not the signature. */
  static String token(String subject, Instant expiry) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(new JsonObject().put("sub", subject).put("exp", expiry.getEpochSecond())
        .encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + "." + b64.encodeToString("not-checked".getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
