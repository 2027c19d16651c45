package dev.mailgate.server.sandbox.gmail;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Gmail sandbox on a loopback port, mounted on a plain router the way the lead mounts it, and
 * real google-api-services-gmail clients pointed at it.
 */
final class SandboxServer implements AutoCloseable {

  private static final AtomicInteger NEXT_MAILBOX = new AtomicInteger();

  final GmailSandbox sandbox = GmailSandbox.create();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  SandboxServer() throws Exception {
    Router router = Router.router(vertx);
    sandbox.mount(router, vertx);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  String rootUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/";
  }

  /** A mailbox address no other test uses. */
  static String newAddress(String name) {
    return name + "-" + NEXT_MAILBOX.incrementAndGet() + "@example.com";
  }

  /** A Gmail client authenticated as {@code address}. */
  Gmail gmail(String address) {
    String token = token(address, Instant.now().plusSeconds(3600));
    return client(request -> {
      request.getHeaders().setAuthorization("Bearer " + token);
      request.setReadTimeout(120_000);
    });
  }

  /** A Gmail client sending no credentials at all. */
  Gmail anonymous() {
    return client(request -> { });
  }

  Gmail client(HttpRequestInitializer initializer) {
    return new Gmail.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), initializer)
        .setRootUrl(rootUrl()).setApplicationName("mailgate-sandbox-test").build();
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
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
