package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors in Graph's format: not found, malformed ids, auth, injected failures, throttling, limits. */
class ErrorsApiTest {

  private SandboxServer server;
  private String ada;
  private GraphClient graph;

  @BeforeEach
  void start() throws Exception {
    server = new SandboxServer();
    ada = SandboxServer.newAddress("ada");
    graph = server.as(ada);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static JsonObject error(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void unknownMessageIs404ErrorItemNotFoundInGraphsShape() {
    String grace = SandboxServer.newAddress("grace");
    String elsewhere = server.sandbox.deliver(grace, mail().to(grace).subject("Not yours").bytes(), "inbox");

    HttpResponse<Buffer> response = GraphClient.await(graph.request(HttpMethod.GET, "/messages/" + elsewhere)
        .putHeader("client-request-id", "c0ffee00-0000-4000-8000-000000000001").send());

    JsonObject error = error(response, 404);
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("code", "message", "innerError");
    assertThat(error.getString("code")).isEqualTo("ErrorItemNotFound");
    assertThat(error.getString("message")).isEqualTo("The specified object was not found in the store.");
    JsonObject inner = error.getJsonObject("innerError");
    assertThat(inner.getString("date")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
    assertThat(inner.getString("request-id")).matches("[0-9a-f-]{36}").isEqualTo(response.getHeader("request-id"));
    assertThat(inner.getString("client-request-id")).isEqualTo("c0ffee00-0000-4000-8000-000000000001");
    assertThat(server.sandbox.count(grace, "inbox")).isEqualTo(1);
  }

  @Test
  void malformedIdIs400ErrorInvalidIdMalformed() {
    JsonObject message = error(graph.get("/messages/not-an-id"), 400);
    JsonObject folder = error(graph.get("/mailFolders/nowhere"), 400);

    assertThat(message.getString("code")).isEqualTo("ErrorInvalidIdMalformed");
    assertThat(message.getString("message")).isEqualTo("Id is malformed.");
    assertThat(folder.getString("code")).isEqualTo("ErrorInvalidIdMalformed");
  }

  @Test
  void queued429CarriesRetryAfterAndTheNextCallSucceeds() {
    server.sandbox.failNext(1, 429, "TooManyRequests");

    HttpResponse<Buffer> throttled = graph.get("");
    HttpResponse<Buffer> next = graph.get("");

    assertThat(error(throttled, 429).getString("code")).isEqualTo("TooManyRequests");
    assertThat(throttled.getHeader("Retry-After")).isEqualTo("2");
    assertThat(next.statusCode()).isEqualTo(200);
  }

  @Test
  void queuedFailuresApplyToTheGivenNumberOfCallsWithTheirCodes() {
    server.sandbox.failNext(2, 503, "ServiceNotAvailable");
    HttpResponse<Buffer> first = graph.get("/messages");
    HttpResponse<Buffer> second = graph.get("/mailFolders");
    server.sandbox.failNext(1, 500, "generalException");
    HttpResponse<Buffer> third = graph.get("");
    server.sandbox.failNext(1, 401, "InvalidAuthenticationToken");
    HttpResponse<Buffer> fourth = graph.get("");

    assertThat(error(first, 503).getString("code")).isEqualTo("ServiceNotAvailable");
    assertThat(first.getHeader("Retry-After")).isEqualTo("2");
    assertThat(error(second, 503).getString("code")).isEqualTo("ServiceNotAvailable");
    assertThat(error(third, 500).getString("code")).isEqualTo("generalException");
    assertThat(third.getHeader("Retry-After")).isNull();
    assertThat(error(fourth, 401).getString("code")).isEqualTo("InvalidAuthenticationToken");
    assertThat(graph.get("/mailFolders").statusCode()).isEqualTo(200);
  }

  @Test
  void missingTokenIs401InvalidAuthenticationTokenWithWwwAuthenticate() {
    HttpResponse<Buffer> response = server.withAuthorization(null).get("/messages");

    JsonObject error = error(response, 401);
    assertThat(error.getString("code")).isEqualTo("InvalidAuthenticationToken");
    assertThat(error.getString("message")).isEqualTo("Access token is empty.");
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer realm=\"\"");
  }

  @Test
  void expiredOrMalformedTokenIs401() {
    String expired = "Bearer " + SandboxServer.token(ada, Instant.now().minusSeconds(60));

    JsonObject stale = error(server.withAuthorization(expired).get(""), 401);
    JsonObject garbage = error(server.withAuthorization("Bearer not-a-jwt").get(""), 401);

    assertThat(stale.getString("code")).isEqualTo("InvalidAuthenticationToken");
    assertThat(garbage.getString("message")).isEqualTo("Access token validation failure.");
  }

  @Test
  void usersPathReachesOnlyTheCallersOwnMailbox() {
    String id = graph.json("").getString("id");

    HttpResponse<Buffer> byAddress = GraphClient.await(graph.requestAt(HttpMethod.GET, "/v1.0/users/" + ada).send());
    HttpResponse<Buffer> byId = GraphClient.await(graph.requestAt(HttpMethod.GET, "/v1.0/users/" + id + "/messages")
        .send());
    HttpResponse<Buffer> other = GraphClient.await(graph.requestAt(HttpMethod.GET,
        "/v1.0/users/grace@example.org/messages").send());

    assertThat(byAddress.statusCode()).isEqualTo(200);
    assertThat(byAddress.bodyAsJsonObject().getString("mail")).isEqualTo(ada);
    assertThat(byId.statusCode()).isEqualTo(200);
    assertThat(error(other, 403).getString("code")).isEqualTo("ErrorAccessDenied");
  }

  @Test
  void fifthConcurrentRequestOfOneMailboxIsThrottledAndMaxConcurrentSeesIt() {
    server.sandbox.latency(Duration.ofMillis(600));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(graph.request(HttpMethod.GET, "/messages").send());
    }

    List<HttpResponse<Buffer>> responses = calls.stream().map(GraphClient::await).toList();

    List<HttpResponse<Buffer>> throttled = responses.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(throttled).hasSize(1);
    assertThat(responses.stream().filter(r -> r.statusCode() == 200)).hasSize(4);
    assertThat(error(throttled.get(0), 429).getString("code")).isEqualTo("ApplicationThrottled");
    assertThat(throttled.get(0).bodyAsJsonObject().getJsonObject("error").getString("message"))
        .isEqualTo("Application is over its MailboxConcurrency limit.");
    assertThat(throttled.get(0).getHeader("Retry-After")).isEqualTo("2");
    assertThat(server.sandbox.maxConcurrent()).isEqualTo(5);
    assertThat(graph.get("/messages").statusCode()).isEqualTo(200);
  }

  @Test
  void fourConcurrentRequestsPerMailboxAreAllServed() {
    GraphClient grace = server.as(SandboxServer.newAddress("grace"));
    server.sandbox.latency(Duration.ofMillis(300));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(graph.request(HttpMethod.GET, "/mailFolders").send());
      calls.add(grace.request(HttpMethod.GET, "/mailFolders").send());
    }

    List<HttpResponse<Buffer>> responses = calls.stream().map(GraphClient::await).toList();

    assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(server.sandbox.maxConcurrent()).isEqualTo(4);
  }

  @Test
  void latencyDelaysEveryAnswer() {
    server.sandbox.latency(Duration.ofMillis(300));
    long started = System.nanoTime();

    graph.get("");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void callsCountRequestsByMethodAndPathSuffix() {
    graph.get("");
    graph.get("/mailFolders");
    graph.get("/mailFolders");

    assertThat(server.sandbox.calls("GET", "/mailFolders")).isEqualTo(2);
    assertThat(server.sandbox.calls("GET", "/me")).isEqualTo(1);
    assertThat(server.sandbox.calls("POST", "/sendMail")).isZero();
  }

  @Test
  void pathTheSandboxLacksIs400SayingSo() {
    JsonObject error = error(graph.get("/calendar/events"), 400);

    assertThat(error.getString("code")).isEqualTo("BadRequest");
    assertThat(error.getString("message")).startsWith("Resource not found for the segment 'events'.")
        .contains("GET /v1.0/me/calendar/events");
  }

  @Test
  void requestOverGraphsFourMegabytesIs413() {
    byte[] big = new byte[5 * 1024 * 1024];

    HttpResponse<Buffer> response = graph.postMime("/sendMail", big);

    assertThat(error(response, 413).getString("code")).isEqualTo("RequestEntityTooLarge");
  }
}
