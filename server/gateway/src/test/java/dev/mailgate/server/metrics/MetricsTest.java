package dev.mailgate.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.LogLines;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.sql.PreparedStatement;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /metrics} of the production wiring: what a scrape shows after a known sequence of calls
 * (OK ones, an INVALID_ARGUMENT, rate-limited ones, a send through the Gmail sandbox), that it is
 * refused without the token, not served without one configured, and never names a user.
 */
class MetricsTest {

  static final String TOKEN = "test-metrics-token-4f1a9c2e";
  static final String SPENT_KEY = "mgk_test_metrics_spent";

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
      // One request per second, burst 1: a second call right after the first is refused.
      "spent.yaml", TestGateway.tenantYaml("spent", "${ACME_DATABASE}", SPENT_KEY)
          .replace("  pool_size: 4\n", "  pool_size: 4\n  schema: spent\n")
          + "rate_limits:\n  requests_per_second: 1\n  burst: 1\n"),
      options -> options.withMetrics(MetricsPolicy.protectedBy(TOKEN)));

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> get(int port, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET();
    if (authorization != null) {
      request.header("authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private PrometheusText scrape(int port) throws Exception {
    HttpResponse<String> response = get(port, "Bearer " + TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    return PrometheusText.parse(response.body());
  }

  private static Map<String, String> call(String method, String status, String reason) {
    return Map.of("method", method, "status", status, "reason", reason, "protocol", "grpc");
  }

  @Test
  void aScrapeAfterKnownCallsCountsThemByMethodStatusAndReason() throws Exception {
    TestGateway gw = gateway.get();
    PrometheusText before = scrape(gw.port());
    var acme = UserServiceGrpc.newBlockingStub(gw.channel()).withInterceptors(TestGateway.acme());
    String alice = Mailboxes.newUserId("metrics-alice");
    String bob = Mailboxes.newUserId("metrics-bob");
    acme.createUser(CreateUserRequest.newBuilder().setUserId(alice).setEmail(alice + "@example.com").build());
    acme.createUser(CreateUserRequest.newBuilder().setUserId(bob).setEmail(bob + "@example.com").build());
    GrpcAssertions.assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.createUser(CreateUserRequest.newBuilder().setUserId("has space").setEmail("not-an-email").build()));

    var spent = UserServiceGrpc.newBlockingStub(gw.channel()).withInterceptors(TestGateway.as("spent", SPENT_KEY));
    int passed = 0;
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      try {
        spent.listUsers(ListUsersRequest.newBuilder().setPageSize(1).build());
        passed++;
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        refused++;
      }
    }
    assertThat(refused).as("calls over the spent tenant's rate").isPositive();

    String sender = Mailboxes.newUserId("metrics-sender");
    String senderAddress = sender + "@gmail.test";
    Connection connection = Mailboxes.connect(gw, TestGateway.acme(), sender, Provider.PROVIDER_GMAIL, senderAddress);
    // Its access token has expired: the send refreshes it first.
    try (var db = TestPostgres.get().jdbc(gw.database("acme"));
        PreparedStatement expire = db.prepareStatement(
            "UPDATE connections SET access_token_expire_time = now() - interval '1 minute' WHERE id = ?::uuid")) {
      expire.setString(1, connection.getConnectionId());
      assertThat(expire.executeUpdate()).isEqualTo(1);
    }
    MailServiceGrpc.newBlockingStub(gw.channel()).withInterceptors(TestGateway.acme()).sendMessage(
        SendMessageRequest.newBuilder().setUserId(sender).setConnectionId(connection.getConnectionId())
            .setRequestId(UUID.randomUUID().toString())
            .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))
                .setSubject("counted").setTextBody("once")).build());

    PrometheusText after = scrape(gw.port());
    String calls = "mailgate_rpc_server_calls_seconds_count";
    String createUser = "mailgate.v1.UserService/CreateUser";
    String listUsers = "mailgate.v1.UserService/ListUsers";
    String sendMessage = "mailgate.v1.MailService/SendMessage";
    assertThat(delta(before, after, calls, call(createUser, "OK", "none"))).isEqualTo(2);
    assertThat(delta(before, after, calls, call(createUser, "INVALID_ARGUMENT", "INVALID_ARGUMENT"))).isEqualTo(1);
    assertThat(delta(before, after, calls, call(listUsers, "OK", "none"))).isEqualTo(passed);
    assertThat(delta(before, after, calls, call(listUsers, "RESOURCE_EXHAUSTED", "RATE_LIMITED"))).isEqualTo(refused);
    assertThat(delta(before, after, calls, call(sendMessage, "OK", "none"))).isEqualTo(1);
    // A latency histogram: every call falls in the +Inf bucket, and the sum of its time is positive.
    assertThat(delta(before, after, "mailgate_rpc_server_calls_seconds_bucket",
        Map.of("method", createUser, "status", "OK", "le", "+Inf"))).isEqualTo(2);
    assertThat(after.sum("mailgate_rpc_server_calls_seconds_sum", call(createUser, "OK", "none"))).isPositive();
    assertThat(delta(before, after, "mailgate_rate_limit_refusals_total", Map.of())).isEqualTo(refused);
    assertThat(delta(before, after, "mailgate_sends_total", Map.of("kind", "message", "outcome", "sent"))).isEqualTo(1);
    assertThat(delta(before, after, "mailgate_provider_calls_seconds_count",
        Map.of("provider", "gmail", "operation", "send", "outcome", "ok"))).isEqualTo(1);
    assertThat(delta(before, after, "mailgate_token_refreshes_total", Map.of("provider", "gmail", "outcome", "ok")))
        .isEqualTo(1);

    // The database pools against the cap, and what Vert.x, the JVM and the process report.
    assertThat(after.sum("mailgate_db_connections_cap", Map.of())).isEqualTo(gw.options().databaseConnections());
    assertThat(after.sum("mailgate_db_pools_open", Map.of())).isGreaterThanOrEqualTo(1);
    assertThat(after.sum("mailgate_db_pools_opened_total", Map.of())).isGreaterThanOrEqualTo(1);
    assertThat(after.sum("mailgate_db_connections_reserved", Map.of()))
        .isBetween(1.0, (double) gw.options().databaseConnections());
    assertThat(after.has("mailgate_db_calls_waiting")).isTrue();
    assertThat(after.has("mailgate_watch_connections")).isTrue();
    assertThat(after.sum("vertx_http_server_requests_total", Map.of("method", "POST"))).isPositive();
    assertThat(after.matching("vertx_pool_in_use", Map.of("pool_type", "sql")))
        .allSatisfy(pool -> assertThat(pool.labels().get("pool_name")).isEqualTo(MeteredVertx.TENANT_DATABASE_POOL));
    assertThat(after.has("jvm_memory_used_bytes")).isTrue();
    assertThat(after.has("process_cpu_usage")).isTrue();

    // Never a user, an address, a connection or a key; no tenant label unless the operator asks.
    for (String secret : new String[] {alice, bob, sender, senderAddress, connection.getConnectionId(),
        TestGateway.ACME_KEY, SPENT_KEY, TOKEN}) {
      assertThat(after.text()).doesNotContain(secret);
    }
    assertThat(after.samples()).noneMatch(sample -> sample.labels().containsKey("tenant"));
  }

  @Test
  void aScrapeWithoutTheTokenIsRefusedAndTheTokenIsNotLogged() throws Exception {
    int port = gateway.get().port();
    String wrong = "wrong-metrics-token-" + UUID.randomUUID();
    try (LogLines logs = LogLines.ofAll()) {
      for (String authorization : new String[] {null, "Bearer " + wrong, "Basic " + TOKEN, "Bearer", TOKEN}) {
        HttpResponse<String> refused = get(port, authorization);
        assertThat(refused.statusCode()).as("authorization %s", authorization).isEqualTo(401);
        assertThat(refused.headers().firstValue("www-authenticate")).hasValueSatisfying(
            challenge -> assertThat(challenge).startsWith("Bearer"));
        assertThat(refused.body()).isEmpty();
      }
      assertThat(get(port, "bearer " + TOKEN).statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
      assertThat(logs.containing(wrong)).isEmpty();
      assertThat(logs.containing(TOKEN)).isEmpty();
    }
  }

  @Test
  void withoutATokenMetricsAreNotServed() throws Exception {
    try (TestGateway.Sibling sibling = gateway.get().startSibling(options -> options.withMetrics(MetricsPolicy.OFF))) {
      assertThat(get(sibling.server().port(), "Bearer " + TOKEN).statusCode()).isEqualTo(404);
      assertThat(get(sibling.server().port(), null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theTenantLabelIsThereOnlyWhenTheOperatorTurnsItOn() throws Exception {
    try (TestGateway.Sibling sibling = gateway.get().startSibling(
        options -> options.withMetrics(MetricsPolicy.protectedBy(TOKEN).withTenantLabel(true)))) {
      UserServiceGrpc.newBlockingStub(sibling.channel()).withInterceptors(TestGateway.acme())
          .listUsers(ListUsersRequest.newBuilder().setPageSize(1).build());
      PrometheusText scraped = scrape(sibling.server().port());
      assertThat(scraped.sum("mailgate_rpc_server_calls_seconds_count",
          Map.of("method", "mailgate.v1.UserService/ListUsers", "status", "OK", "tenant", "acme"))).isEqualTo(1);
    }
  }

  private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }
}
