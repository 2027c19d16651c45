package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.GRACE;
import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Change-notification subscriptions: the validation handshake before 201, Graph's limits on the
 * expiry, notifications for changes in the subscribed resource (retried after a failure, lost
 * while dropped, none after expiry or deletion), and lifecycle notifications.
 */
class SubscriptionsApiTest {

  private static SandboxServer server;
  private static Vertx receiverVertx;
  private static HttpServer receiver;
  private static final List<JsonObject> notifications = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> lifecycle = new CopyOnWriteArrayList<>();
  private static final List<String> validations = new CopyOnWriteArrayList<>();
  /** How many notifications to answer 503 before accepting. */
  private static final AtomicInteger failures = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
    receiverVertx = Vertx.vertx();
    Router router = Router.router(receiverVertx);
    router.route().handler(BodyHandler.create());
    router.post("/hook").handler(ctx -> {
      String token = ctx.request().getParam("validationToken");
      if (token != null) {
        validations.add(token);
        ctx.response().putHeader("content-type", "text/plain").end(token);
      } else if (failures.getAndDecrement() > 0) {
        ctx.response().setStatusCode(503).end();
      } else {
        notifications.add(ctx.body().asJsonObject());
        ctx.response().setStatusCode(202).end();
      }
    });
    router.post("/lifecycle").handler(ctx -> {
      String token = ctx.request().getParam("validationToken");
      if (token != null) {
        ctx.response().putHeader("content-type", "text/plain").end(token);
      } else {
        lifecycle.add(ctx.body().asJsonObject());
        ctx.response().setStatusCode(202).end();
      }
    });
    router.post("/wrong").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("not the token"));
    receiver = receiverVertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    receiverVertx.close().await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    notifications.clear();
    lifecycle.clear();
    failures.set(0);
    server.sandbox.dropNotifications(false);
    server.sandbox.notificationRetries(java.time.Duration.ofHours(4), java.time.Duration.ofMillis(50));
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  private static JsonObject subscription(String resource, Instant expiration, String hook) {
    return new JsonObject().put("changeType", "created,updated,deleted").put("notificationUrl", url(hook))
        .put("lifecycleNotificationUrl", url("/lifecycle")).put("resource", resource)
        .put("expirationDateTime", expiration.toString()).put("clientState", "secret-" + resource.length());
  }

  private static HttpResponse<Buffer> subscribe(GraphClient graph, JsonObject body) {
    return GraphClient.await(graph.requestAt(io.vertx.core.http.HttpMethod.POST, "/v1.0/subscriptions")
        .sendJsonObject(body));
  }

  private static void await(Supplier<Boolean> condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.get() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(condition.get()).as("condition within 10 s").isTrue();
  }

  private static String deliver(String mailbox) {
    return server.sandbox.deliver(mailbox, mail().from(GRACE).to(mailbox).subject("hello").text("x").bytes(), "inbox");
  }

  @Test
  void subscriptionIsCreatedAfterTheHandshakeAndNotifiesChanges() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);
    int validated = validations.size();
    HttpResponse<Buffer> created = subscribe(graph, subscription("me/messages", Instant.now().plus(2, ChronoUnit.DAYS),
        "/hook"));

    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(validations.size()).isEqualTo(validated + 1);
    assertThat(validations.get(validated)).startsWith("Validation: Testing client application reachability");
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(server.sandbox.subscriptionIds(ada)).containsExactly(id);

    String message = deliver(ada);
    await(() -> notifications.size() == 1);
    JsonObject n = notifications.get(0).getJsonArray("value").getJsonObject(0);
    assertThat(n.getString("subscriptionId")).isEqualTo(id);
    assertThat(n.getString("changeType")).isEqualTo("created");
    assertThat(n.getString("clientState")).isEqualTo("secret-11");
    assertThat(n.getJsonObject("resourceData").getString("id")).isEqualTo(message);
    assertThat(n.getString("tenantId")).isNotBlank();

    graph.patch("/messages/" + message, new JsonObject().put("isRead", true));
    graph.delete("/messages/" + message);
    await(() -> notifications.size() == 3);
    assertThat(notifications.stream().map(c -> c.getJsonArray("value").getJsonObject(0).getString("changeType")))
        .containsExactlyInAnyOrder("created", "updated", "deleted");

    assertThat(GraphClient.await(graph.requestAt(io.vertx.core.http.HttpMethod.DELETE, "/v1.0/subscriptions/" + id).send()).statusCode()).isEqualTo(204);
    deliver(ada);
    Thread.sleep(300);
    assertThat(notifications).hasSize(3);
  }

  @Test
  void aFolderSubscriptionSeesAMoveOutAsDeleted() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);
    String message = deliver(ada);
    assertThat(subscribe(graph, subscription("me/mailFolders('inbox')/messages", Instant.now().plusSeconds(7200),
        "/hook")).statusCode()).isEqualTo(201);
    graph.post("/messages/" + message + "/move", new JsonObject().put("destinationId", "archive"));
    await(() -> notifications.size() == 1);
    assertThat(notifications.get(0).getJsonArray("value").getJsonObject(0).getString("changeType")).isEqualTo("deleted");
  }

  @Test
  void endpointThatDoesNotEchoTheTokenIsRefused() {
    String ada = SandboxServer.newAddress("ada");
    HttpResponse<Buffer> refused = subscribe(server.as(ada), subscription("me/messages", Instant.now().plusSeconds(7200),
        "/wrong"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ValidationError");
    assertThat(server.sandbox.subscriptionIds(ada)).isEmpty();
  }

  @Test
  void expiryBeyond4230MinutesIsRefusedAndRenewalMovesIt() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);
    HttpResponse<Buffer> tooLong = subscribe(graph, subscription("me/messages",
        Instant.now().plus(4231, ChronoUnit.MINUTES), "/hook"));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.bodyAsString()).contains("4230 minutes");

    String id = subscribe(graph, subscription("me/messages", Instant.now().plusSeconds(7200), "/hook"))
        .bodyAsJsonObject().getString("id");
    Instant later = Instant.now().plus(4000, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    HttpResponse<Buffer> renewed = GraphClient.await(graph.requestAt(io.vertx.core.http.HttpMethod.PATCH,
        "/v1.0/subscriptions/" + id).sendJsonObject(new JsonObject().put("expirationDateTime", later.toString())));
    assertThat(renewed.statusCode()).isEqualTo(200);
    assertThat(Instant.parse(renewed.bodyAsJsonObject().getString("expirationDateTime"))).isEqualTo(later);

    server.sandbox.expireSubscription(id);
    assertThat(GraphClient.await(graph.requestAt(io.vertx.core.http.HttpMethod.PATCH, "/v1.0/subscriptions/" + id)
        .sendJsonObject(new JsonObject().put("expirationDateTime", later.toString()))).statusCode()).isEqualTo(404);
  }

  @Test
  void failedDeliveriesAreRetriedAndDroppedOnesAreLost() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    assertThat(subscribe(server.as(ada), subscription("me/messages", Instant.now().plusSeconds(7200), "/hook"))
        .statusCode()).isEqualTo(201);
    failures.set(2);
    deliver(ada);
    await(() -> notifications.size() == 1);

    server.sandbox.dropNotifications(true);
    deliver(ada);
    Thread.sleep(300);
    assertThat(notifications).hasSize(1);
  }

  @Test
  void aNotificationToAnEndpointThatKeepsFailingIsRetriedLaterInsteadOfLost() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    assertThat(subscribe(server.as(ada), subscription("me/messages", Instant.now().plusSeconds(7200), "/hook"))
        .statusCode()).isEqualTo(201);
    long dropped = server.sandbox.notificationsDropped();
    failures.set(6); // Graph retries for hours; the sandbox used to give up after 4 quick attempts
    deliver(ada);

    await(() -> notifications.size() == 1);
    assertThat(server.sandbox.notificationsDropped()).isEqualTo(dropped);
    assertThat(server.sandbox.notificationStats()).contains("HTTP 503=");
  }

  @Test
  void aNotificationIsDroppedAndCountedOnlyAfterTheRetryWindow() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    assertThat(subscribe(server.as(ada), subscription("me/messages", Instant.now().plusSeconds(7200), "/hook"))
        .statusCode()).isEqualTo(201);
    long dropped = server.sandbox.notificationsDropped();
    server.sandbox.notificationRetries(java.time.Duration.ofMillis(400), java.time.Duration.ofMillis(50));
    failures.set(1_000);
    deliver(ada);

    await(() -> server.sandbox.notificationsDropped() == dropped + 1);
    assertThat(notifications).isEmpty();
    assertThat(server.sandbox.notificationStats()).contains("dropped: retry window over=");
  }

  @Test
  void lifecycleEventsReachTheLifecycleUrlAndReauthorizationPausesNotifications() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);
    String id = subscribe(graph, subscription("me/messages", Instant.now().plusSeconds(7200), "/hook"))
        .bodyAsJsonObject().getString("id");

    server.sandbox.lifecycle(id, "missed");
    server.sandbox.lifecycle(id, "reauthorizationRequired");
    await(() -> lifecycle.size() == 2);
    assertThat(lifecycle.stream().map(l -> l.getJsonArray("value").getJsonObject(0).getString("lifecycleEvent")))
        .containsExactlyInAnyOrder("missed", "reauthorizationRequired");
    assertThat(lifecycle.get(0).getJsonArray("value").getJsonObject(0).getString("subscriptionId")).isEqualTo(id);

    deliver(ada);
    Thread.sleep(300);
    assertThat(notifications).isEmpty();
    GraphClient.await(graph.requestAt(io.vertx.core.http.HttpMethod.PATCH, "/v1.0/subscriptions/" + id)
        .sendJsonObject(new JsonObject().put("expirationDateTime", Instant.now().plusSeconds(7200).toString())));
    deliver(ada);
    await(() -> notifications.size() == 1);

    server.sandbox.lifecycle(id, "subscriptionRemoved");
    await(() -> lifecycle.size() == 3);
    assertThat(server.sandbox.subscriptionIds(ada)).isEmpty();
  }

  @Test
  void anExpiredAccessTokenGetsReauthorizationRequiredInsteadOfNotifications() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    GraphClient shortLived = server.withAuthorization("Bearer " + SandboxServer.token(ada, Instant.now().plusSeconds(2)));
    assertThat(subscribe(shortLived, subscription("me/messages", Instant.now().plusSeconds(7200), "/hook"))
        .statusCode()).isEqualTo(201);
    Thread.sleep(2500);
    deliver(ada);
    await(() -> lifecycle.size() == 1);
    assertThat(lifecycle.get(0).getJsonArray("value").getJsonObject(0).getString("lifecycleEvent"))
        .isEqualTo("reauthorizationRequired");
    assertThat(notifications).isEmpty();
  }
}
