package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.MemoryBounds;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.sandbox.graph.GraphSandbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The Graph sandbox on a loopback port and an {@link OutlookProvider} calling it, for the feed and push tests. */
final class GraphSandboxFixture implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final GraphSandbox sandbox = GraphSandbox.create().filingDelay(Duration.ZERO);
  final Router router = Router.router(vertx);
  final HttpServer server;
  final WebClient http;
  final OutlookProvider provider;
  final String rootUrl;

  GraphSandboxFixture() throws Exception {
    sandbox.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    rootUrl = "http://127.0.0.1:" + server.actualPort();
    http = WebClient.create(vertx);
    provider = new OutlookProvider(vertx, http, rootUrl, OutboundTimeouts.DEFAULT, MemoryBounds.DEFAULT);
  }

  /** A new mailbox and a credential for it (a token shaped like the local OAuth server's). */
  MailboxCredential newMailbox(String name) {
    String address = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@outlook.test";
    sandbox.createMailbox(address);
    return new MailboxCredential(address, token(address, Instant.now().plusSeconds(3600)));
  }

  static String token(String subject, Instant expiry) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(new JsonObject().put("sub", subject).put("exp", expiry.getEpochSecond())
        .encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + "." + b64.encodeToString("not-checked".getBytes(StandardCharsets.UTF_8));
  }

  /** A Graph call as the mailbox, through the provider's client. */
  JsonObject graph(MailboxCredential mailbox, GraphClient.Call call) {
    return await(provider.graph().json(mailbox, call));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer within 60 seconds", e);
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
