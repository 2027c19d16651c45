package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionCount;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetTenantSummaryRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.ReportServiceGrpc;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendReport;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetTenantSummary carries what the tenant dashboard shows beside the sends: top senders, users and
 * active users, connections per provider and status with the ones needing re-authorization, the
 * event lag and the webhook health. A gateway of its own, so every count is exact.
 */
class TenantSummaryTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private final MailServiceGrpc.MailServiceBlockingStub mail =
      MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  private final ReportServiceGrpc.ReportServiceBlockingStub reports =
      ReportServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

  private void send(String userId, Connection connection, String... to) {
    MessageContent.Builder content = MessageContent.newBuilder().setSubject("summed up").setTextBody("x");
    for (String address : to) {
      content.addTo(EmailAddress.newBuilder().setAddress(address));
    }
    mail.sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setRequestId("r-" + UUID.randomUUID()).setContent(content).build());
  }

  private Connection connect(String userId, Provider provider, String email) throws Exception {
    return dev.mailgate.server.testing.Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, provider, email);
  }

  private static OffsetDateTime ago(Duration duration) {
    return Instant.now().minus(duration).truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
  }

  @Test
  void tenantSummaryCountsSendersUsersConnectionsEventLagAndWebhookHealth() throws Exception {
    Connection ada = connect("ada", Provider.PROVIDER_GMAIL, "ada@gmail.test");
    Connection ben = connect("ben", Provider.PROVIDER_GMAIL, "ben@gmail.test");
    Connection cy = connect("cy", Provider.PROVIDER_GMAIL, "cy@gmail.test");
    connect("dee", Provider.PROVIDER_OUTLOOK, "dee@outlook.test");
    send("ada", ada, "carol@example.org", "dave@example.org");
    send("ada", ada, "carol@example.org");
    send("ben", ben, "carol@example.org");
    gateway.get().providers().sandbox().gmail().failNext(1, 429, "rateLimitExceeded");
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_RATE_LIMITED", () -> send("ben", ben, "erin@example.org"));
    // cy's grant was revoked at the provider: the gateway marked the connection this way.
    gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "UPDATE {schema}.connections SET status = 'NEEDS_REAUTH', update_time = now() WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(cy.getConnectionId()))));
    long eventsBefore = reports.getTenantSummary(GetTenantSummaryRequest.getDefaultInstance()).getEventLag()
        .getEventCount();
    // Two new messages noticed 3 s and 5 s after they arrived, and a label change (not measured).
    for (long lagMillis : new long[] {3_000, 5_000}) {
      OffsetDateTime observed = ago(Duration.ofSeconds(60));
      appendEvent(ada, "MESSAGE_ADDED", observed, new JsonObject().put("message", new JsonObject()
          .put("messageId", "m-" + lagMillis).put("receiveTime", observed.toInstant().minusMillis(lagMillis).toString())));
    }
    appendEvent(ada, "LABELS_CHANGED", ago(Duration.ofSeconds(30)), new JsonObject());
    // Two webhook endpoints, one disabled; one delivery pending for 10 minutes, two delivered, one dead-lettered.
    UUID endpoint = webhookEndpoint(true);
    webhookEndpoint(false);
    delivery(endpoint, "PENDING", ago(Duration.ofMinutes(10)));
    delivery(endpoint, "SUCCEEDED", ago(Duration.ofMinutes(5)));
    delivery(endpoint, "SUCCEEDED", ago(Duration.ofMinutes(4)));
    delivery(endpoint, "DEAD_LETTERED", ago(Duration.ofMinutes(3)));

    SendReport summary = reports.getTenantSummary(GetTenantSummaryRequest.getDefaultInstance());

    assertThat(summary.getTotalCount()).isEqualTo(4);
    assertThat(summary.getSuccessCount()).isEqualTo(3);
    assertThat(summary.getFailureCount()).isEqualTo(1);
    assertThat(summary.getTopRecipients(0).getAddress()).isEqualTo("carol@example.org");
    assertThat(summary.getTopRecipients(0).getCount()).isEqualTo(3);
    assertThat(summary.getTopSendersList()).extracting(s -> s.getUserId() + ":" + s.getCount() + ":" + s.getFailureCount())
        .containsExactly("ada:2:0", "ben:2:1");
    assertThat(summary.getUserCount()).isEqualTo(4);
    assertThat(summary.getActiveUserCount()).isEqualTo(2);
    assertThat(summary.getConnectionCountsList()).extracting(TenantSummaryTest::describe).containsExactly(
        "PROVIDER_GMAIL/CONNECTION_STATUS_ACTIVE=2", "PROVIDER_GMAIL/CONNECTION_STATUS_NEEDS_REAUTH=1",
        "PROVIDER_OUTLOOK/CONNECTION_STATUS_ACTIVE=1");
    assertThat(summary.getReauthConnectionsList()).singleElement().satisfies(c -> {
      assertThat(c.getConnectionId()).isEqualTo(cy.getConnectionId());
      assertThat(c.getUserId()).isEqualTo("cy");
      assertThat(c.getEmailAddress()).isEqualTo("cy@gmail.test");
      assertThat(c.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);
    });
    assertThat(summary.getEventLag().getEventCount() - eventsBefore).isEqualTo(3);
    assertThat(summary.getEventLag().getMeasuredCount()).isEqualTo(2);
    assertThat(millis(summary.getEventLag().getMedianLag())).isEqualTo(4_000);
    assertThat(millis(summary.getEventLag().getP95Lag())).isEqualTo(4_900);
    assertThat(summary.getEventLag().hasLastEventTime()).isTrue();
    assertThat(summary.getWebhookHealth().getEndpointCount()).isEqualTo(2);
    assertThat(summary.getWebhookHealth().getDisabledEndpointCount()).isEqualTo(1);
    assertThat(summary.getWebhookHealth().getPendingCount()).isEqualTo(1);
    assertThat(summary.getWebhookHealth().getOldestPendingAge().getSeconds()).isBetween(600L, 660L);
    assertThat(summary.getWebhookHealth().getSucceededCount()).isEqualTo(2);
    assertThat(summary.getWebhookHealth().getDeadLetteredCount()).isEqualTo(1);
    assertThat(summary.getEndTime().getSeconds() - summary.getStartTime().getSeconds()).isEqualTo(30L * 24 * 3600);

    // The user report fills none of the tenant-wide fields.
    SendReport ada2 = reports.getUserReport(GetUserReportRequest.newBuilder().setUserId("ada").build());
    assertThat(ada2.getTotalCount()).isEqualTo(2);
    assertThat(ada2.getTopSendersList()).isEmpty();
    assertThat(ada2.hasWebhookHealth()).isFalse();

    // Over HTTP/JSON with a range in the query, as the dashboard page asks: an hour holds every send.
    String query = "?startTime=" + URLEncoder.encode(Instant.now().minus(Duration.ofHours(1)).toString(), StandardCharsets.UTF_8)
        + "&endTime=" + URLEncoder.encode(Instant.now().plus(Duration.ofMinutes(1)).toString(), StandardCharsets.UTF_8);
    HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.get().port() + "/v1/sendReport" + query))
        .header("x-tenant-id", "acme").header("authorization", "Bearer " + TestGateway.ACME_DASHBOARD_KEY).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
    JsonObject json = new JsonObject(http.body());
    assertThat(json.getString("totalCount")).isEqualTo("4");
    assertThat(json.getString("activeUserCount")).isEqualTo("2");
    assertThat(json.getJsonArray("topSenders")).hasSize(2);
    assertThat(json.getJsonObject("webhookHealth").getString("oldestPendingAge")).endsWith("s");
    assertThat(json.getJsonArray("reauthConnections").getJsonObject(0).getString("userId")).isEqualTo("cy");
    assertThat(Instant.parse(json.getString("endTime")).getEpochSecond()
        - Instant.parse(json.getString("startTime")).getEpochSecond()).isBetween(3_600L, 3_670L);
  }

  private static long millis(com.google.protobuf.Duration duration) {
    return duration.getSeconds() * 1000 + duration.getNanos() / 1_000_000;
  }

  private static String describe(ConnectionCount count) {
    return count.getProvider() + "/" + count.getStatus() + "=" + count.getCount();
  }

  private void appendEvent(Connection connection, String type, OffsetDateTime observed, JsonObject payload) {
    gateway.get().onTenantData("acme", db -> db.preparedQuery("""
        INSERT INTO {schema}.mailbox_events (event_id, connection_id, user_id, sequence, type, observe_time, payload)
        SELECT $1, c.id, c.user_id, 1 + (SELECT count(*) FROM {schema}.mailbox_events), $3, $4, $5
        FROM {schema}.connections c WHERE c.id = $2""")
        .execute(Tuple.of(UUID.randomUUID(), UUID.fromString(connection.getConnectionId()), type, observed, payload)));
  }

  private UUID webhookEndpoint(boolean enabled) {
    UUID id = UUID.randomUUID();
    gateway.get().onTenantData("acme", db -> db.preparedQuery("""
        INSERT INTO {schema}.webhook_endpoints (id, url, enabled, secret, position_tx_id, position_id)
        VALUES ($1, 'https://hooks.example.com/mailgate', $2, '\\x00'::bytea, '0'::xid8, 0)""")
        .execute(Tuple.of(id, enabled)));
    return id;
  }

  private void delivery(UUID endpoint, String status, OffsetDateTime time) {
    gateway.get().onTenantData("acme", db -> db.preparedQuery("""
        INSERT INTO {schema}.webhook_deliveries (endpoint_id, event_id, event_type, connection_id, body, status,
            next_attempt_time, create_time, update_time)
        VALUES ($1, $2, 'MESSAGE_ADDED', '00000000-0000-0000-0000-000000000000', '{}', $3,
            now() + interval '1 day', $4, $4)""")
        .execute(Tuple.of(endpoint, UUID.randomUUID(), status, time)));
  }
}
