package dev.mailgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI description at {@code /openapi.json}: served to anyone as JSON, it has every method
 * with a google.api.http rule at its rule's path and verb, and requests built from it alone (the
 * operation's path template filled in, the headers its security schemes name) succeed.
 */
class OpenApiTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static JsonObject document;

  @BeforeAll
  static void fetch() throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/openapi.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("content-type").orElseThrow()).isEqualTo("application/json");
    document = new JsonObject(answer.body());
  }

  private static String base() {
    return "http://127.0.0.1:" + gateway.get().port();
  }

  private static List<Descriptors.FileDescriptor> contract() {
    return List.of(dev.mailgate.proto.v1.UserServiceProto.getDescriptor(),
        dev.mailgate.proto.v1.ConnectionServiceProto.getDescriptor(), dev.mailgate.proto.v1.MailServiceProto.getDescriptor(),
        dev.mailgate.proto.v1.ReportServiceProto.getDescriptor(), dev.mailgate.proto.v1.WebhookServiceProto.getDescriptor(),
        dev.mailgate.proto.v1.AgentAccessServiceProto.getDescriptor(), dev.mailgate.proto.v1.AuditServiceProto.getDescriptor());
  }

  @Test
  void everyAnnotatedMethodAppearsAtItsRulesPathAndVerb() {
    JsonObject paths = document.getJsonObject("paths");
    List<String> described = new ArrayList<>();
    for (Descriptors.FileDescriptor file : contract()) {
      for (Descriptors.ServiceDescriptor service : file.getServices()) {
        for (Descriptors.MethodDescriptor method : service.getMethods()) {
          if (!method.getOptions().hasExtension(AnnotationsProto.http)) {
            continue;
          }
          HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
          String verb = rule.getPatternCase().name().toLowerCase();
          String path = switch (rule.getPatternCase()) {
            case GET -> rule.getGet();
            case POST -> rule.getPost();
            case PUT -> rule.getPut();
            case PATCH -> rule.getPatch();
            case DELETE -> rule.getDelete();
            default -> throw new AssertionError(method.getFullName() + " has no standard HTTP method");
          };
          JsonObject item = paths.getJsonObject(path);
          assertThat(item).as(method.getFullName() + " at " + path).isNotNull();
          JsonObject operation = item.getJsonObject(verb);
          assertThat(operation).as(method.getFullName() + ": " + verb + " " + path).isNotNull();
          assertThat(operation.getString("operationId")).as(verb + " " + path).endsWith(method.getName());
          described.add(method.getName());
        }
      }
    }
    assertThat(described).hasSizeGreaterThan(30).contains("SendMessage", "CreateAgentToken", "RevokeAgentToken");
    // And nothing else: every operation in the document is one of those methods.
    int operations = paths.stream().mapToInt(path -> ((JsonObject) path.getValue()).size()).sum();
    assertThat(operations).isEqualTo(described.size());
  }

  @Test
  void requestsBuiltFromTheDocumentSucceed() throws Exception {
    String alice = "openapi-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> credentials = Map.of("tenant", "acme", "key", TestGateway.ACME_KEY);

    HttpResponse<String> created = call("CreateUser", Map.of(), Map.of(), new JsonObject().put("userId", alice), credentials);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(new JsonObject(created.body()).getString("userId")).isEqualTo(alice);

    HttpResponse<String> listed = call("ListConnections", Map.of("user_id", alice), Map.of(), null, credentials);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    HttpResponse<String> user = call("GetUser", Map.of("user_id", alice), Map.of(), null, credentials);
    assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
    assertThat(new JsonObject(user.body()).getString("userId")).isEqualTo(alice);
  }

  @Test
  void queryParametersNamedByTheDocumentAreRead() throws Exception {
    Map<String, String> credentials = Map.of("tenant", "acme", "key", TestGateway.ACME_KEY);
    for (int i = 0; i < 2; i++) {
      String user = "openapi-page-" + UUID.randomUUID().toString().substring(0, 8);
      assertThat(call("CreateUser", Map.of(), Map.of(), new JsonObject().put("userId", user), credentials).statusCode())
          .isEqualTo(200);
    }

    HttpResponse<String> page = call("ListUsers", Map.of(), Map.of("page_size", "1"), null, credentials);

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    JsonObject body = new JsonObject(page.body());
    assertThat(body.getJsonArray("users")).hasSize(1);
    assertThat(body.getString("nextPageToken")).isNotBlank();
  }

  @Test
  void theSecuritySchemesAreRequiredByEveryOperation() throws Exception {
    HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(base()
        + pathOf("ListUsers"))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(document.getJsonArray("security")).isNotEmpty();
  }

  /**
   * Calls the operation {@code operationId} the way a client generated from the document would:
   * its path with the path parameters filled in, the query parameters it names, its verb, a JSON
   * body if it takes one, and every header a security requirement of the document names, with the
   * value its description asks for.
   */
  private static HttpResponse<String> call(String operationId, Map<String, String> pathParameters,
      Map<String, String> queryParameters, JsonObject body, Map<String, String> credentials) throws Exception {
    String[] found = find(operationId);
    String path = found[0];
    String verb = found[1];
    JsonObject operation = document.getJsonObject("paths").getJsonObject(path).getJsonObject(verb);
    StringBuilder query = new StringBuilder();
    List<String> queryNames = new ArrayList<>();
    for (Object p : operation.getJsonArray("parameters", new JsonArray())) {
      JsonObject parameter = (JsonObject) p;
      String name = parameter.getString("name");
      if ("path".equals(parameter.getString("in"))) {
        assertThat(pathParameters).as(operationId + " path parameter " + name).containsKey(name);
        path = path.replace("{" + name + "}", pathParameters.get(name));
      } else if ("query".equals(parameter.getString("in"))) {
        queryNames.add(name);
        if (queryParameters.containsKey(name)) {
          query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(queryParameters.get(name));
        }
      }
    }
    assertThat(queryNames).as(operationId + " query parameters").containsAll(queryParameters.keySet());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path + query))
        .method(verb.toUpperCase(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    securityHeaders(operation, credentials).forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The headers of the operation's (else the document's) first security requirement: each scheme
   * is an API key in a header; a description that asks for a {@code Bearer } prefix gets it.
   */
  private static Map<String, String> securityHeaders(JsonObject operation, Map<String, String> credentials) {
    JsonArray requirements = operation.getJsonArray("security", document.getJsonArray("security"));
    JsonObject schemes = document.getJsonObject("securityDefinitions");
    Map<String, String> headers = new HashMap<>();
    for (String name : requirements.getJsonObject(0).fieldNames()) {
      JsonObject scheme = schemes.getJsonObject(name);
      assertThat(scheme.getString("type")).isEqualTo("apiKey");
      assertThat(scheme.getString("in")).isEqualTo("header");
      String value = credentials.get(name);
      assertThat(value).as("a credential for scheme " + name).isNotNull();
      headers.put(scheme.getString("name"),
          scheme.getString("description", "").contains("Bearer ") ? "Bearer " + value : value);
    }
    return headers;
  }

  private static String pathOf(String operationId) {
    return find(operationId)[0];
  }

  /** The path and verb of the operation with this id (ids may carry a service prefix). */
  private static String[] find(String operationId) {
    for (Map.Entry<String, Object> path : document.getJsonObject("paths")) {
      for (Map.Entry<String, Object> verb : (JsonObject) path.getValue()) {
        String id = ((JsonObject) verb.getValue()).getString("operationId");
        if (id.equals(operationId) || id.endsWith("_" + operationId)) {
          return new String[] {path.getKey(), verb.getKey()};
        }
      }
    }
    throw new AssertionError("no operation " + operationId + " in the document");
  }
}
