package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetTenantSummaryRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.ReportServiceGrpc;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.proto.v1.WatchTenantRequest;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant's dashboard key (tenant file {@code dashboard_keys}) reads reports over gRPC and
 * HTTP/JSON and is refused every other method with DASHBOARD_METHOD_NOT_ALLOWED; a wrong one is
 * the same UNAUTHENTICATED answer as a wrong API key. The dashboard page it signs in to is served
 * from the gateway's jar with a strict Content-Security-Policy.
 */
class DashboardKeyTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ClientInterceptor DASHBOARD = TestGateway.as("acme", TestGateway.ACME_DASHBOARD_KEY);

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, null, headers);
  }

  private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.get().port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String[] dashboardHeaders(String key) {
    return new String[] {"x-tenant-id", "acme", "authorization", "Bearer " + key};
  }

  private static String reasonOf(HttpResponse<String> response) {
    JsonArray details = new JsonObject(response.body()).getJsonArray("details");
    for (int i = 0; i < details.size(); i++) {
      if (details.getJsonObject(i).getString("@type").endsWith("/google.rpc.ErrorInfo")) {
        return details.getJsonObject(i).getString("reason");
      }
    }
    throw new AssertionError("no ErrorInfo in " + response.body());
  }

  @Test
  void dashboardKeyReadsTheTenantSummaryOverGrpcAndHttpJson() throws Exception {
    String userId = Mailboxes.newUserId("summarised");
    var connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId,
        dev.mailgate.proto.v1.Provider.PROVIDER_GMAIL, userId + "@gmail.test");
    MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
            .setRequestId("dash-1").setContent(MessageContent.newBuilder().setSubject("for the dashboard")
                .setTextBody("x").addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))).build());

    var reports = ReportServiceGrpc.newBlockingStub(gateway.get().channel());
    var overGrpc = reports.withInterceptors(DASHBOARD).getTenantSummary(GetTenantSummaryRequest.getDefaultInstance());
    var withApiKey = reports.withInterceptors(TestGateway.acme()).getTenantSummary(GetTenantSummaryRequest.getDefaultInstance());
    assertThat(overGrpc.getTotalCount()).isEqualTo(withApiKey.getTotalCount()).isGreaterThanOrEqualTo(1);
    assertThat(overGrpc.getTopSendersList()).anySatisfy(sender -> assertThat(sender.getUserId()).isEqualTo(userId));
    assertThat(reports.withInterceptors(DASHBOARD).getUserReport(GetUserReportRequest.newBuilder().setUserId(userId)
        .build()).getTotalCount()).isEqualTo(1);

    HttpResponse<String> overHttp = get("/v1/sendReport", dashboardHeaders(TestGateway.ACME_DASHBOARD_KEY));
    assertThat(overHttp.statusCode()).as(overHttp.body()).isEqualTo(200);
    assertThat(overHttp.headers().firstValue("content-type")).hasValue("application/json");
    // API answers hold tenant data: no browser or proxy cache keeps them.
    assertThat(overHttp.headers().firstValue("cache-control")).hasValue("no-store");
    JsonObject body = new JsonObject(overHttp.body());
    assertThat(Long.parseLong(body.getString("totalCount"))).isEqualTo(withApiKey.getTotalCount());
    assertThat(body.getString("startTime")).isNotEmpty();
  }

  @Test
  void dashboardKeyIsRefusedEveryMethodButTheReportsWithItsOwnReason() throws Exception {
    String userId = Mailboxes.newUserId("untouched");
    assertFails(Status.Code.PERMISSION_DENIED, "DASHBOARD_METHOD_NOT_ALLOWED", () -> ConnectionServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(DASHBOARD)
        .listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build()));
    assertFails(Status.Code.PERMISSION_DENIED, "DASHBOARD_METHOD_NOT_ALLOWED", () -> MailServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(DASHBOARD)
        .sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setConnectionId("-").setRequestId("no")
            .setContent(MessageContent.newBuilder().setSubject("no").setTextBody("no")
                .addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))).build()));
    // A stream too.
    assertFails(Status.Code.PERMISSION_DENIED, "DASHBOARD_METHOD_NOT_ALLOWED", () -> MailServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(DASHBOARD)
        .watchTenant(WatchTenantRequest.getDefaultInstance()).hasNext());

    HttpResponse<String> list = get("/v1/users/" + userId + "/connections",
        dashboardHeaders(TestGateway.ACME_DASHBOARD_KEY));
    assertThat(list.statusCode()).isEqualTo(403);
    assertThat(reasonOf(list)).isEqualTo("DASHBOARD_METHOD_NOT_ALLOWED");
    HttpResponse<String> create = send("POST", "/v1/users", new JsonObject().put("userId", userId).encode(),
        "x-tenant-id", "acme", "authorization", "Bearer " + TestGateway.ACME_DASHBOARD_KEY,
        "content-type", "application/json");
    assertThat(create.statusCode()).isEqualTo(403);
    assertThat(reasonOf(create)).isEqualTo("DASHBOARD_METHOD_NOT_ALLOWED");
    // Nothing was created.
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> UserServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.acme()).getUser(GetUserRequest.newBuilder().setUserId(userId).build()));
  }

  @Test
  void wrongDashboardKeyIsUnauthenticatedLikeAWrongApiKey() throws Exception {
    var reports = ReportServiceGrpc.newBlockingStub(gateway.get().channel());
    var wrongApiKey = assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> reports
        .withInterceptors(TestGateway.as("acme", "mgk_not_the_key")).getTenantSummary(GetTenantSummaryRequest.getDefaultInstance()));
    var wrongDashboardKey = assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> reports
        .withInterceptors(TestGateway.as("acme", "mgd_not_the_key")).getTenantSummary(GetTenantSummaryRequest.getDefaultInstance()));
    assertThat(wrongDashboardKey.message()).isEqualTo(wrongApiKey.message());
    // acme's dashboard key opens nothing of globex's.
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> reports
        .withInterceptors(TestGateway.as("globex", TestGateway.ACME_DASHBOARD_KEY))
        .getTenantSummary(GetTenantSummaryRequest.getDefaultInstance()));

    HttpResponse<String> overHttp = get("/v1/sendReport", dashboardHeaders("mgd_not_the_key"));
    assertThat(overHttp.statusCode()).isEqualTo(401);
    assertThat(reasonOf(overHttp)).isEqualTo("API_KEY_INVALID");
  }

  @Test
  void dashboardPageIsServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = get("/dashboard");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    String policy = page.headers().firstValue("content-security-policy").orElseThrow();
    assertThat(policy).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "form-action 'none'",
        "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    // No inline script: every script element loads a file of this origin.
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).contains("src=\"/dashboard/");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(2);
    assertThat(page.body()).doesNotContain("style=\"", "onclick", "http://", "https://");

    HttpResponse<String> chart = get("/dashboard/assets/chart.umd.js");
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(chart.body()).contains("Chart.js").hasSizeGreaterThan(100_000);
    assertThat(get("/dashboard/dashboard.js").headers().firstValue("content-type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(get("/dashboard/dashboard.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    assertThat(get("/dashboard/").body()).isEqualTo(page.body());
    assertThat(get("/dashboard/nothing-here.js").statusCode()).isEqualTo(404);
  }
}
