package dev.mailgate.server.cors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.ListUsersResponse;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Browser pages call over gRPC-Web (HTTP/1.1) from their tenant's {@code allowed_origins} only:
 * preflights, the CORS headers of answers, and the per-tenant check of the actual call, through
 * the gateway's port with a plain HTTP client. Tenant webshop lists its shop's origin, partner
 * lists another; acme and globex list none.
 */
class CorsTest {

  static final String SHOP = "https://shop.example.com";
  static final String PARTNER = "https://partner.example.com";
  static final String EVIL = "https://evil.example.net";
  static final String LIST_USERS = "mailgate.v1.UserService/ListUsers";

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
      "webshop.yaml", tenant("webshop", SHOP),
      "partner.yaml", tenant("partner", PARTNER)));

  static HttpClient http;

  static String tenant(String id, String origin) {
    return TestGateway.tenantYaml(id, "${ACME_DATABASE}", key(id))
        .replace("  pool_size: 4\n", "  pool_size: 4\n  schema: " + id + "\n")
        + "allowed_origins: [ \"" + origin + "\" ]\n";
  }

  static String key(String tenantId) {
    return "mgk_test_" + tenantId;
  }

  @BeforeAll
  static void client() {
    http = gateway.get().server().vertx().createHttpClient(new HttpClientOptions());
  }

  @AfterAll
  static void close() throws Exception {
    http.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpClientResponse preflight(String origin, String method, String headers) throws Exception {
    return preflight("/" + LIST_USERS, origin, method, headers);
  }

  private static HttpClientResponse preflight(String path, String origin, String method, String headers)
      throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.OPTIONS).setHost("127.0.0.1")
        .setPort(gateway.get().port()).setURI(path)
        .putHeader("origin", origin)
        .putHeader("access-control-request-method", method)
        .putHeader("access-control-request-headers", headers);
    return GrpcWebCall.Answer.of(http, options, io.vertx.core.buffer.Buffer.buffer()).response();
  }

  private static GrpcWebCall listUsers(String tenantId, String origin, boolean text) throws Exception {
    Map<String, String> headers = new HashMap<>(Map.of("x-tenant-id", tenantId, "authorization",
        "Bearer " + (tenantId.equals("acme") ? TestGateway.ACME_KEY : key(tenantId))));
    if (origin != null) {
      headers.put("origin", origin);
    }
    return GrpcWebCall.post(http, gateway.get().port(), LIST_USERS, ListUsersRequest.getDefaultInstance(), text,
        headers);
  }

  private static List<String> list(MultiMap headers, String name) {
    return headers.getAll(name).stream().flatMap(value -> Arrays.stream(value.split(","))).map(String::trim)
        .map(String::toLowerCase).toList();
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithThatOriginAndTheGrpcWebHeaders() throws Exception {
    HttpClientResponse response = preflight(SHOP, "POST",
        "content-type,x-grpc-web,x-user-agent,x-tenant-id,authorization,grpc-timeout");

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.getHeader("access-control-allow-origin")).isEqualTo(SHOP);
    assertThat(list(response.headers(), "access-control-allow-methods")).contains("post");
    assertThat(list(response.headers(), "access-control-allow-headers")).contains("content-type", "x-grpc-web",
        "x-user-agent", "x-tenant-id", "authorization", "grpc-timeout", "x-request-id");
    assertThat(response.getHeader("access-control-allow-credentials")).isNull();
    assertThat(response.getHeader("access-control-max-age")).isEqualTo("600");
    assertThat(list(response.headers(), "vary")).contains("origin");
  }

  @Test
  void aPreflightFromAnOriginNoTenantListsGetsNoAllowOrigin() throws Exception {
    for (String origin : List.of(EVIL, "null", SHOP + ":8443", "http://shop.example.com", SHOP + ".evil.example.net")) {
      HttpClientResponse response = preflight(origin, "POST", "content-type,x-tenant-id,authorization");

      assertThat(response.statusCode()).as(origin).isEqualTo(403);
      assertThat(response.headers().names()).as(origin).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
      assertThat(list(response.headers(), "vary")).as(origin).contains("origin");
    }
  }

  @Test
  void onlyGrpcMethodPathsAreOpenedToPreflights() throws Exception {
    for (String path : List.of("/healthz", "/oauth2/callback", "/")) {
      HttpClientResponse response = preflight(path, SHOP, "POST", "content-type");

      assertThat(response.getHeader("access-control-allow-origin")).as(path).isNull();
    }
  }

  @Test
  void aCallFromTheTenantsOwnOriginSucceedsAndExposesTheGrpcHeaders() throws Exception {
    GrpcWebCall call = listUsers("webshop", SHOP, false);

    assertThat(call.httpStatus()).isEqualTo(200);
    assertThat(call.grpcStatus()).isZero();
    assertThat(call.messages()).hasSize(1);
    ListUsersResponse.parseFrom(call.messages().get(0));
    assertThat(call.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
    assertThat(list(call.headers(), "access-control-expose-headers")).contains("grpc-status", "grpc-message",
        "grpc-status-details-bin", "x-request-id");
    assertThat(call.headers().get("access-control-allow-credentials")).isNull();
    assertThat(list(call.headers(), "vary")).contains("origin");
    assertThat(call.headers().get("x-request-id")).isNotBlank();
  }

  @Test
  void grpcWebTextReachesTheGrpcServerToo() throws Exception {
    GrpcWebCall call = listUsers("webshop", SHOP, true);

    assertThat(call.httpStatus()).isEqualTo(200);
    assertThat(call.headers().get("content-type")).startsWith("application/grpc-web-text");
    assertThat(call.grpcStatus()).isZero();
    assertThat(call.messages()).hasSize(1);
    assertThat(call.headers().get("access-control-allow-origin")).isEqualTo(SHOP);
  }

  @Test
  void aValidKeyFromAnOriginNoTenantListsIsPermissionDeniedAndUnreadableByThePage() throws Exception {
    GrpcWebCall call = listUsers("webshop", EVIL, false);

    assertThat(call.grpcStatus()).isEqualTo(7); // PERMISSION_DENIED
    assertThat(call.reason()).isEqualTo("ORIGIN_NOT_ALLOWED");
    assertThat(call.statusField("grpc-message").orElse("")).contains("allowed_origins");
    assertThat(call.messages()).isEmpty();
    assertThat(call.headers().get("access-control-allow-origin")).isNull();
    assertThat(list(call.headers(), "vary")).contains("origin");
  }

  @Test
  void anOriginOfAnotherTenantIsRefusedWithAnAnswerThePageCanRead() throws Exception {
    GrpcWebCall call = listUsers("webshop", PARTNER, false);

    assertThat(call.grpcStatus()).isEqualTo(7);
    assertThat(call.reason()).isEqualTo("ORIGIN_NOT_ALLOWED");
    assertThat(call.messages()).isEmpty();
    assertThat(call.headers().get("access-control-allow-origin")).isEqualTo(PARTNER);
    // ... and the same origin opens its own tenant.
    assertThat(listUsers("partner", PARTNER, false).grpcStatus()).isZero();
  }

  @Test
  void aTenantWithoutAllowedOriginsRefusesEveryBrowserPage() throws Exception {
    GrpcWebCall call = listUsers("acme", SHOP, false);

    assertThat(call.grpcStatus()).isEqualTo(7);
    assertThat(call.reason()).isEqualTo("ORIGIN_NOT_ALLOWED");
  }

  @Test
  void theKeyIsCheckedBeforeTheOrigin() throws Exception {
    GrpcWebCall call = GrpcWebCall.post(http, gateway.get().port(), LIST_USERS, ListUsersRequest.getDefaultInstance(),
        false, Map.of("x-tenant-id", "webshop", "authorization", "Bearer wrong", "origin", EVIL));

    assertThat(call.grpcStatus()).isEqualTo(16); // UNAUTHENTICATED
    assertThat(call.reason()).isEqualTo("API_KEY_INVALID");
  }

  @Test
  void callsWithoutAnOriginAreServedAsBeforeWithNoCorsHeaders() throws Exception {
    GrpcWebCall call = listUsers("acme", null, false);

    assertThat(call.grpcStatus()).isZero();
    assertThat(call.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    assertThat(call.headers().get("vary")).isNull();
  }
}
