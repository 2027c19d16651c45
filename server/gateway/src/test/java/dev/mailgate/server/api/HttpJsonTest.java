package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.server.testing.Browser;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP/JSON surface (google.api.http rules, served by Vert.x transcoding on the gRPC port):
 * the same calls, authentication, ownership checks and ErrorInfo reasons as gRPC, through plain
 * HTTP/1.1 requests.
 */
class HttpJsonTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Answer(int status, JsonObject body, HttpResponse<String> response) {
    /** The ErrorInfo of a google.rpc.Status body. */
    JsonObject errorInfo() {
      JsonArray details = body.getJsonArray("details");
      for (int i = 0; i < details.size(); i++) {
        if (details.getJsonObject(i).getString("@type").endsWith("/google.rpc.ErrorInfo")) {
          return details.getJsonObject(i);
        }
      }
      throw new AssertionError("no ErrorInfo in " + body);
    }
  }

  private static Answer call(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.get().port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String text = response.body();
    return new Answer(response.statusCode(), text.isEmpty() ? new JsonObject() : new JsonObject(text), response);
  }

  private static Answer acme(String method, String path, JsonObject body) throws Exception {
    return call(method, path, body == null ? null : body.encode(), "x-tenant-id", "acme",
        "authorization", "Bearer " + TestGateway.ACME_KEY, "content-type", "application/json");
  }

  /** A GET as curl sends it: no content type. */
  private static Answer acmeGet(String path) throws Exception {
    return call("GET", path, null, "x-tenant-id", "acme", "authorization", "Bearer " + TestGateway.ACME_KEY);
  }

  /** Creates a user and connects a sandbox Gmail mailbox through the OAuth flow, all over HTTP/JSON. */
  private static String connectOverHttp(String userId, String email) throws Exception {
    assertThat(acme("POST", "/v1/users", new JsonObject().put("userId", userId)).status()).isEqualTo(200);
    Answer started = acme("POST", "/v1/users/" + userId + "/connections:startAuthorization",
        new JsonObject().put("provider", "PROVIDER_GMAIL"));
    assertThat(started.status()).as(started.body().encode()).isEqualTo(200);
    Map<String, String> callback = Browser.query(new Browser().signIn(started.body().getString("authorizationUrl"), email));
    // A custom verb on a path without variables: the Vert.x 5.0 bug HttpJsonCalls works around.
    Answer completed = acme("POST", "/v1/connections:completeAuthorization",
        new JsonObject().put("state", callback.get("state")).put("code", callback.get("code")));
    assertThat(completed.status()).as(completed.body().encode()).isEqualTo(200);
    assertThat(completed.body().getString("userId")).isEqualTo(userId);
    return completed.body().getString("connectionId");
  }

  @Test
  void listsConnectionsWithAGetAndSendsOnceForARepeatedRequestId() throws Exception {
    String alice = Mailboxes.newUserId("alice");
    String address = alice + "@gmail.test";
    String connectionId = connectOverHttp(alice, address);

    Answer list = acmeGet("/v1/users/" + alice + "/connections");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.response().headers().firstValue("content-type")).hasValue("application/json");
    assertThat(list.response().headers().firstValue("x-request-id")).isPresent();
    JsonArray connections = list.body().getJsonArray("connections");
    assertThat(connections).hasSize(1);
    assertThat(connections.getJsonObject(0).getString("connectionId")).isEqualTo(connectionId);
    assertThat(connections.getJsonObject(0).getString("emailAddress")).isEqualTo(address);
    assertThat(connections.getJsonObject(0).getString("status")).isEqualTo("CONNECTION_STATUS_ACTIVE");

    JsonObject send = new JsonObject().put("requestId", "http-send-1").put("content", new JsonObject()
        .put("to", new JsonArray().add(new JsonObject().put("address", "bob@example.org")))
        .put("subject", "over HTTP").put("textBody", "hello"));
    String path = "/v1/users/" + alice + "/connections/" + connectionId + "/messages:send";
    Answer first = acme("POST", path, send);
    Answer again = acme("POST", path, send);
    assertThat(first.status()).as(first.body().encode()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(first.body().getString("messageId")).isNotEmpty().isEqualTo(again.body().getString("messageId"));
    assertThat(gateway.get().providers().sandbox().gmail().count(address, "SENT")).isEqualTo(1);

    // HTTP/JSON bodies are capped at 1 MiB for every method (the transcoder parses JSON on the event loop).
    Answer attached = acme("POST", path, sendWithAttachment("http-send-2", 600 * 1024));
    assertThat(attached.status()).as(attached.body().encode()).isEqualTo(200);
    Answer tooLarge = acme("POST", path, sendWithAttachment("http-send-3", 2 * 1024 * 1024));
    assertThat(tooLarge.status()).isEqualTo(400);
    assertThat(tooLarge.errorInfo().getString("reason")).isEqualTo("INVALID_ARGUMENT");
    assertThat(tooLarge.body().encode()).contains("larger than the " + 1024 * 1024 + " bytes");
    assertThat(gateway.get().providers().sandbox().gmail().count(address, "SENT")).isEqualTo(2);
  }

  private static JsonObject sendWithAttachment(String requestId, int bytes) {
    return new JsonObject().put("requestId", requestId).put("content", new JsonObject()
        .put("to", new JsonArray().add(new JsonObject().put("address", "bob@example.org")))
        .put("subject", "attached").put("textBody", "see the file")
        .put("attachments", new JsonArray().add(new JsonObject().put("filename", "zeros.bin")
            .put("mimeType", "application/octet-stream")
            .put("data", java.util.Base64.getEncoder().encodeToString(new byte[bytes])))));
  }

  @Test
  void connectionOfAnotherUserIsNotFoundWithTheSameReasonAsOverGrpc() throws Exception {
    String alice = Mailboxes.newUserId("alice");
    String connectionId = connectOverHttp(alice, alice + "@gmail.test");
    String bob = Mailboxes.newUserId("bob");
    assertThat(acme("POST", "/v1/users", new JsonObject().put("userId", bob)).status()).isEqualTo(200);

    Answer http = acmeGet("/v1/users/" + bob + "/connections/" + connectionId);
    Failure grpc = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> ConnectionServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .getConnection(GetConnectionRequest.newBuilder().setUserId(bob).setConnectionId(connectionId).build()));

    assertThat(http.status()).isEqualTo(404);
    assertThat(http.response().headers().firstValue("content-type")).hasValue("application/json");
    assertThat(http.body().getInteger("code")).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(http.body().getString("message")).isEqualTo(grpc.message());
    assertThat(http.errorInfo().getString("reason")).isEqualTo("CONNECTION_NOT_FOUND");
    assertThat(http.errorInfo().getString("domain")).isEqualTo(grpc.domain());
    // The owner still sees it.
    assertThat(acmeGet("/v1/users/" + alice + "/connections/" + connectionId).status()).isEqualTo(200);
  }

  @Test
  void missingApiKeyIsUnauthenticated() throws Exception {
    Answer answer = call("GET", "/v1/users", null, "x-tenant-id", "acme");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.body().getInteger("code")).isEqualTo(Status.Code.UNAUTHENTICATED.value());
    assertThat(answer.errorInfo().getString("reason")).isEqualTo("API_KEY_MISSING");
    assertThat(answer.response().headers().firstValue("www-authenticate")).hasValue("Bearer");

    Answer wrongKey = call("GET", "/v1/users", null, "x-tenant-id", "acme", "authorization", "Bearer " + TestGateway.GLOBEX_KEY);
    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(wrongKey.errorInfo().getString("reason")).isEqualTo("API_KEY_INVALID");
  }

  @Test
  void pathWithoutARuleIsNotFound() throws Exception {
    for (String path : List.of("/v1/nowhere", "/v1/users/alice/connections/c1:check")) {
      Answer answer = acmeGet(path);
      assertThat(answer.status()).as(path).isEqualTo(404);
      assertThat(answer.body().getInteger("code")).isEqualTo(Status.Code.NOT_FOUND.value());
    }
  }

  @Test
  void badJsonBodyIsInvalidArgument() throws Exception {
    String carol = Mailboxes.newUserId("carol");
    Answer answer = call("POST", "/v1/users", "{\"userId\": \"" + carol + "\",", "x-tenant-id", "acme",
        "authorization", "Bearer " + TestGateway.ACME_KEY, "content-type", "application/json");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().getInteger("code")).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(answer.errorInfo().getString("reason")).isEqualTo("INVALID_ARGUMENT");
    assertThat(acmeGet("/v1/users/" + carol).errorInfo().getString("reason")).isEqualTo("USER_NOT_FOUND");
  }

  /**
   * Every annotated method answers on its rule's method and path (with made-up ids): its own
   * answer or a google.rpc.Status with an ErrorInfo reason, never a transcoder's bare 415 or 500.
   */
  @Test
  void everyAnnotatedMethodIsServedAtItsRule() throws Exception {
    List<String> served = new ArrayList<>();
    for (Descriptors.FileDescriptor file : List.of(dev.mailgate.proto.v1.UserServiceProto.getDescriptor(),
        dev.mailgate.proto.v1.ConnectionServiceProto.getDescriptor(), dev.mailgate.proto.v1.MailServiceProto.getDescriptor(),
        dev.mailgate.proto.v1.ReportServiceProto.getDescriptor(), dev.mailgate.proto.v1.WebhookServiceProto.getDescriptor(),
        dev.mailgate.proto.v1.AuditServiceProto.getDescriptor())) {
      for (Descriptors.ServiceDescriptor service : file.getServices()) {
        for (Descriptors.MethodDescriptor method : service.getMethods()) {
          if (method.isServerStreaming()) {
            assertThat(method.getOptions().hasExtension(AnnotationsProto.http)).as(method.getFullName()).isFalse();
            continue;
          }
          assertThat(method.getOptions().hasExtension(AnnotationsProto.http)).as(method.getFullName()).isTrue();
          HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
          String verb = rule.getPatternCase().name();
          String path = switch (rule.getPatternCase()) {
            case GET -> rule.getGet();
            case POST -> rule.getPost();
            case PUT -> rule.getPut();
            case PATCH -> rule.getPatch();
            case DELETE -> rule.getDelete();
            default -> throw new AssertionError(method.getFullName() + " has no standard HTTP method");
          };
          String concrete = path.replaceAll("\\{[^}]*}", "nobody-" + method.getName().toLowerCase());
          Answer answer = acme(verb, concrete, rule.getBody().isEmpty() ? null : new JsonObject());
          assertThat(answer.status()).as(verb + " " + concrete).isNotIn(415, 500);
          if (answer.status() != 200) {
            assertThat(answer.errorInfo().getString("reason")).as(verb + " " + concrete).isNotBlank();
          }
          served.add(method.getName());
        }
      }
    }
    assertThat(served).hasSizeGreaterThan(30).contains("SendMessage", "CompleteAuthorization", "ListMailboxEvents");
  }
}
