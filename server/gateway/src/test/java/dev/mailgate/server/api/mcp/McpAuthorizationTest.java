package dev.mailgate.server.api.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.testing.GatewayExtension;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MCP endpoint's authorization surface as the MCP authorization spec prescribes it (RFC 9728, RFC 6750). */
class McpAuthorizationTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
      + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

  private static String base() {
    return "http://127.0.0.1:" + gateway.get().port();
  }

  private static HttpResponse<String> post(String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("content-type", "application/json").header("accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
    if (authorization != null) {
      request.header("authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutATokenTheAnswerIs401WithAChallengeNamingTheResourceMetadata() throws Exception {
    HttpResponse<String> answer = post(null);

    assertThat(answer.statusCode()).isEqualTo(401);
    String challenge = answer.headers().firstValue("www-authenticate").orElseThrow();
    assertThat(challenge).startsWith("Bearer ").contains("resource_metadata=\"" + base()
        + "/.well-known/oauth-protected-resource/mcp\"");
  }

  @Test
  void anApiKeyOrAForgedAgentTokenIsAnInvalidToken() throws Exception {
    for (String credential : new String[] {"Bearer mgk_dev_acme_5f2c9a7e41d8", "Bearer mga_acme_forgedforgedforged"}) {
      HttpResponse<String> answer = post(credential);
      assertThat(answer.statusCode()).as(credential).isEqualTo(401);
      assertThat(answer.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    }
  }

  @Test
  void theProtectedResourceMetadataNamesTheEndpointAndBearerHeaders() throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(base() + "/.well-known/oauth-protected-resource/mcp")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonObject metadata = new JsonObject(answer.body());
    assertThat(metadata.getString("resource")).isEqualTo(base() + "/mcp");
    assertThat(metadata.getJsonArray("bearer_methods_supported").getList()).contains("header");
    assertThat(answer.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
  }

  @Test
  void theMetadataNamesNoAuthorizationServerBecauseTheTenantBackendMintsAgentTokens() throws Exception {
    for (String path : new String[] {"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"}) {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + path))
          .build(), HttpResponse.BodyHandlers.ofString());
      JsonObject metadata = new JsonObject(answer.body());

      // RFC 9728 makes the member optional; an empty list would claim servers that do not exist.
      assertThat(metadata.containsKey("authorization_servers")).as(path).isFalse();
      assertThat(metadata.getJsonArray("scopes_supported").getList()).as(path)
          .containsExactly("read", "modify", "draft", "send");
      // resource_documentation is a URL (RFC 9728), and it answers: the OpenAPI description.
      String documentation = metadata.getString("resource_documentation");
      assertThat(documentation).as(path).isEqualTo(base() + "/openapi.json");
      HttpResponse<String> documented = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(documentation))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(documented.statusCode()).as(documentation).isEqualTo(200);
      assertThat(documented.body()).contains("CreateAgentToken");
    }
  }
}
