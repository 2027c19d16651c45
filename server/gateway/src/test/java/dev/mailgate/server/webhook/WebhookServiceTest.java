package dev.mailgate.server.webhook;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.JsonFormat;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.CreateWebhookEndpointRequest;
import dev.mailgate.proto.v1.CreateWebhookEndpointResponse;
import dev.mailgate.proto.v1.DeleteWebhookEndpointRequest;
import dev.mailgate.proto.v1.GetWebhookEndpointRequest;
import dev.mailgate.proto.v1.ListWebhookDeliveriesRequest;
import dev.mailgate.proto.v1.ListWebhookEndpointsRequest;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.ReplayWebhookDeliveriesRequest;
import dev.mailgate.proto.v1.RotateWebhookEndpointSecretRequest;
import dev.mailgate.proto.v1.RotateWebhookEndpointSecretResponse;
import dev.mailgate.proto.v1.SendTestWebhookEventRequest;
import dev.mailgate.proto.v1.UpdateWebhookEndpointRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.proto.v1.WebhookDelivery;
import dev.mailgate.proto.v1.WebhookDeliveryStatus;
import dev.mailgate.proto.v1.WebhookEndpoint;
import dev.mailgate.proto.v1.WebhookServiceGrpc;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.LogLines;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WebhookService through gRPC on the production wiring, with receivers on loopback (the test
 * gateway's egress policy is dev mode's: loopback allowed, names resolved only through the test's
 * table, nothing leaves this machine), retries a few hundred milliseconds apart, and batches of 3
 * (so that queueing pages through the class's many endpoints, and claims through deliveries).
 */
class WebhookServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWebhooks(
      options.webhooks().withRetrySchedule(List.of(Duration.ofMillis(300), Duration.ofMillis(300),
          Duration.ofMillis(300))).withIntervals(Duration.ofMillis(100), Duration.ofMillis(500))
      .withAttemptTimeout(Duration.ofSeconds(2)).withBatchSize(3)));

  private WebhookServiceGrpc.WebhookServiceBlockingStub webhooks() {
    return WebhookServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  @Test
  void endpointsAreCreatedListedReadUpdatedRotatedAndDeleted() {
    CreateWebhookEndpointResponse created = webhooks().createWebhookEndpoint(CreateWebhookEndpointRequest.newBuilder()
        .setWebhookEndpoint(WebhookEndpoint.newBuilder().setUrl("https://127.0.0.1:9/created").addUserIds("someone")
            .addEventTypes(MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED))
        .build());
    WebhookEndpoint endpoint = created.getWebhookEndpoint();
    assertThat(created.getSecret()).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(created.getSecret().substring(6))).hasSize(24);
    assertThat(endpoint.getEnabled()).as("enabled when the request leaves it unset").isTrue();
    assertThat(endpoint.getEventTypesList()).containsExactly(MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED);

    String id = endpoint.getWebhookEndpointId();
    assertThat(webhooks().getWebhookEndpoint(GetWebhookEndpointRequest.newBuilder().setWebhookEndpointId(id).build()))
        .isEqualTo(endpoint);
    List<String> listed = new ArrayList<>();
    String token = "";
    do {
      var page = webhooks().listWebhookEndpoints(ListWebhookEndpointsRequest.newBuilder().setPageSize(1)
          .setPageToken(token).build());
      page.getWebhookEndpointsList().forEach(e -> listed.add(e.getWebhookEndpointId()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertThat(listed).contains(id);

    WebhookEndpoint updated = webhooks().updateWebhookEndpoint(UpdateWebhookEndpointRequest.newBuilder()
        .setWebhookEndpoint(WebhookEndpoint.newBuilder().setWebhookEndpointId(id).setUrl("https://127.0.0.1:9/moved")
            .setEnabled(false).addUserIds("ignored-because-not-in-mask"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("url").addPaths("enabled"))
        .build());
    assertThat(updated.getUrl()).isEqualTo("https://127.0.0.1:9/moved");
    assertThat(updated.getEnabled()).isFalse();
    assertThat(updated.getUserIdsList()).containsExactly("someone");

    RotateWebhookEndpointSecretResponse rotated = webhooks().rotateWebhookEndpointSecret(
        RotateWebhookEndpointSecretRequest.newBuilder().setWebhookEndpointId(id).build());
    assertThat(rotated.getSecret()).startsWith("whsec_").isNotEqualTo(created.getSecret());
    Instant expiry = Instant.ofEpochSecond(rotated.getWebhookEndpoint().getPreviousSecretExpireTime().getSeconds());
    assertThat(expiry).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

    webhooks().deleteWebhookEndpoint(DeleteWebhookEndpointRequest.newBuilder().setWebhookEndpointId(id).build());
    assertFails(Status.Code.NOT_FOUND, "WEBHOOK_ENDPOINT_NOT_FOUND", () -> webhooks().getWebhookEndpoint(
        GetWebhookEndpointRequest.newBuilder().setWebhookEndpointId(id).build()));
    assertFails(Status.Code.NOT_FOUND, "WEBHOOK_ENDPOINT_NOT_FOUND", () -> webhooks().deleteWebhookEndpoint(
        DeleteWebhookEndpointRequest.newBuilder().setWebhookEndpointId("not-an-id").build()));
  }

  @Test
  void anotherTenantsEndpointIsNotFound() {
    String id = create("https://127.0.0.1:9/acme", List.of("x")).getWebhookEndpoint().getWebhookEndpointId();
    assertFails(Status.Code.NOT_FOUND, "WEBHOOK_ENDPOINT_NOT_FOUND", () -> WebhookServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.globex())
        .getWebhookEndpoint(GetWebhookEndpointRequest.newBuilder().setWebhookEndpointId(id).build()));
  }

  @Test
  void deliveriesAreSignedAsStandardWebhooksSays() throws Exception {
    try (TestReceiver receiver = new TestReceiver()) {
      ConnectionRecord connection = newConnection("signed");
      CreateWebhookEndpointResponse created = create(receiver.url(), List.of(connection.userId()));
      long before = Instant.now().getEpochSecond();
      List<Long> sequences = appendAdded(connection, 1);

      TestReceiver.Received delivery = receiver.awaitAccepted(1, WAIT).get(0);
      MailboxEvent event = parse(delivery.body());
      assertThat(event.getType()).isEqualTo(MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED);
      assertThat(event.getConnectionId()).isEqualTo(connection.id().toString());
      assertThat(event.getSequence()).isEqualTo(sequences.get(0));
      assertThat(event.getMessage().getSubject()).isEqualTo("subject 0");
      assertThat(delivery.id()).isEqualTo(event.getEventId());
      assertThat(delivery.contentType()).isEqualTo("application/json");
      assertThat(Long.parseLong(delivery.timestamp())).isBetween(before, Instant.now().getEpochSecond());
      assertThat(delivery.signature()).isEqualTo("v1," + hmac(created.getSecret(), delivery));
      assertThat(delivery.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(20_000);
    }
  }

  /** The sum of the samples of {@code name} in the gateway's metrics whose labels include {@code label}. */
  private static double metric(String name, String label) {
    return gateway.get().server().metrics().scrape().lines()
        .filter(line -> (line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aTestEventIsDeliveredAndListed() throws Exception {
    double delivered = metric("mailgate_webhook_attempts_total", "outcome=\"delivered\"");
    double lags = metric("mailgate_webhook_delivery_lag_seconds_count", "");
    try (TestReceiver receiver = new TestReceiver()) {
      CreateWebhookEndpointResponse created = create(receiver.url(), List.of("nobody-" + UUID.randomUUID()));
      String id = created.getWebhookEndpoint().getWebhookEndpointId();
      String eventId = webhooks().sendTestWebhookEvent(SendTestWebhookEventRequest.newBuilder()
          .setWebhookEndpointId(id).build()).getEventId();
      TestReceiver.Received delivery = receiver.awaitAccepted(1, WAIT).get(0);
      assertThat(delivery.id()).isEqualTo(eventId);
      assertThat(parse(delivery.body()).getType()).isEqualTo(MailboxEventType.MAILBOX_EVENT_TYPE_WEBHOOK_TEST);
      assertThat(delivery.signature()).isEqualTo("v1," + hmac(created.getSecret(), delivery));
      WebhookDelivery listed = awaitDeliveries(id, 1).get(0);
      assertThat(listed.getEventId()).isEqualTo(eventId);
      assertThat(listed.getStatus()).isEqualTo(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_SUCCEEDED);
      assertThat(listed.getLastStatusCode()).isEqualTo(200);
    }
    assertThat(metric("mailgate_webhook_attempts_total", "outcome=\"delivered\"")).isGreaterThan(delivered);
    assertThat(metric("mailgate_webhook_delivery_lag_seconds_count", "")).isGreaterThan(lags);
  }

  @Test
  void aFailedDeliveryIsRetriedWithTheSameIdAndEventsArriveInOrder() throws Exception {
    try (TestReceiver receiver = new TestReceiver().answer(500, 500)) {
      ConnectionRecord connection = newConnection("retried");
      CreateWebhookEndpointResponse created = create(receiver.url(), List.of(connection.userId()));
      List<Long> sequences = appendAdded(connection, 3);

      List<TestReceiver.Received> accepted = receiver.awaitAccepted(3, WAIT);
      assertThat(accepted.stream().map(r -> parse(r.body()).getSequence()).toList()).isEqualTo(sequences);
      List<TestReceiver.Received> all = receiver.received();
      assertThat(all.get(0).id()).isEqualTo(all.get(1).id()).isEqualTo(all.get(2).id()).isEqualTo(accepted.get(0).id());
      assertThat(all).hasSize(5);
      all.forEach(r -> assertThat(r.signature()).isEqualTo("v1," + hmac(created.getSecret(), r)));

      List<WebhookDelivery> listed = awaitDeliveries(created.getWebhookEndpoint().getWebhookEndpointId(), 3);
      WebhookDelivery first = listed.get(listed.size() - 1);
      assertThat(first.getAttempts()).isEqualTo(3);
      assertThat(first.getStatus()).isEqualTo(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_SUCCEEDED);
    }
  }

  @Test
  void anAnswerAfterTheAttemptTimeoutIsAFailureAndTheEventIsSentAgain() throws Exception {
    try (TestReceiver receiver = new TestReceiver().delayFirst(Duration.ofSeconds(3))) {
      ConnectionRecord connection = newConnection("slow");
      String id = create(receiver.url(), List.of(connection.userId())).getWebhookEndpoint().getWebhookEndpointId();
      appendAdded(connection, 1);
      List<TestReceiver.Received> accepted = receiver.awaitAccepted(2, WAIT);
      assertThat(accepted).hasSize(2);
      assertThat(accepted.get(0).id()).isEqualTo(accepted.get(1).id());
      WebhookDelivery delivery = awaitDeliveries(id, 1).get(0);
      assertThat(delivery.getStatus()).isEqualTo(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_SUCCEEDED);
      assertThat(delivery.getAttempts()).isEqualTo(2);
    }
  }

  @Test
  void afterTheLastRetryADeliveryIsDeadLetteredAndTheConnectionMovesOn() throws Exception {
    double deadLettered = metric("mailgate_webhook_attempts_total", "outcome=\"dead_lettered\"");
    try (TestReceiver receiver = new TestReceiver().answer(503, 503, 503, 503)) {
      ConnectionRecord connection = newConnection("dead");
      CreateWebhookEndpointResponse created = create(receiver.url(), List.of(connection.userId()));
      List<Long> sequences = appendAdded(connection, 2);

      List<TestReceiver.Received> accepted = receiver.awaitAccepted(1, WAIT);
      assertThat(accepted).hasSize(1);
      assertThat(parse(accepted.get(0).body()).getSequence()).isEqualTo(sequences.get(1));
      List<WebhookDelivery> dead = webhooks().listWebhookDeliveries(ListWebhookDeliveriesRequest.newBuilder()
          .setWebhookEndpointId(created.getWebhookEndpoint().getWebhookEndpointId())
          .setStatus(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DEAD_LETTERED).build()).getDeliveriesList();
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).getAttempts()).isEqualTo(4);
      assertThat(dead.get(0).getLastStatusCode()).isEqualTo(503);
      assertThat(dead.get(0).getLastError()).contains("503");
    }
    assertThat(metric("mailgate_webhook_attempts_total", "outcome=\"dead_lettered\"")).isGreaterThan(deadLettered);
  }

  @Test
  void twoGatewaysOnOneDatabaseShareTheDeliveriesInOrderWithoutDuplicates() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        TestGateway.Sibling sibling = gateway.get().startSibling(options -> options.withWebhooks(
            options.webhooks().withScanAllTenants(true)))) {
      List<ConnectionRecord> connections = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        connections.add(newConnection("shared"));
      }
      create(receiver.url(), connections.stream().map(ConnectionRecord::userId).toList());
      Map<String, List<Long>> appended = new java.util.HashMap<>();
      for (int round = 0; round < 5; round++) {
        for (ConnectionRecord connection : connections) {
          appended.computeIfAbsent(connection.id().toString(), c -> new ArrayList<>())
              .addAll(appendAdded(connection, 2));
        }
      }
      List<TestReceiver.Received> accepted = receiver.awaitAccepted(40, WAIT);
      Thread.sleep(500);
      Map<String, List<Long>> received = new java.util.HashMap<>();
      for (TestReceiver.Received r : receiver.accepted()) {
        MailboxEvent event = parse(r.body());
        received.computeIfAbsent(event.getConnectionId(), c -> new ArrayList<>()).add(event.getSequence());
      }
      assertThat(accepted).hasSize(40);
      assertThat(receiver.accepted().stream().map(TestReceiver.Received::id).distinct()).hasSize(40);
      assertThat(received).isEqualTo(appended);
    }
  }

  @Test
  void anEndpointAnswering410IsDisabled() throws Exception {
    try (TestReceiver receiver = new TestReceiver().otherwise(410)) {
      ConnectionRecord connection = newConnection("gone");
      String id = create(receiver.url(), List.of(connection.userId())).getWebhookEndpoint().getWebhookEndpointId();
      appendAdded(connection, 2);
      receiver.awaitReceived(1, WAIT);
      WebhookEndpoint endpoint = awaitDisabled(id);
      assertThat(endpoint.getEnabled()).isFalse();
      assertThat(endpoint.getDisabledReason()).contains("410");
      Thread.sleep(1_000);
      assertThat(receiver.received()).hasSize(1);
    }
  }

  @Test
  void aUrlWithAPrivateAddressIsRefusedWithoutAConnection() {
    gateway.get().egress().map("hooks.internal.test", "10.20.30.40");
    var failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> create("https://hooks.internal.test/events", List.of("x")));
    assertThat(failure.violations()).singleElement().satisfies(v -> {
      assertThat(v.getField()).isEqualTo("webhook_endpoint.url");
      assertThat(v.getDescription()).contains("public internet");
    });
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> create("https://169.254.169.254/latest/meta-data", List.of("x")));
    assertThat(gateway.get().egress().dials()).noneMatch(dial -> !dial.getAddress().isLoopbackAddress());
  }

  @Test
  void aNameThatLaterResolvesToAPrivateAddressIsRefusedAtDelivery() throws Exception {
    try (TestReceiver receiver = new TestReceiver()) {
      ConnectionRecord connection = newConnection("rebind");
      gateway.get().egress().map("rebinding.test", "127.0.0.1");
      String url = receiver.url().replace("127.0.0.1", "rebinding.test");
      String id = create(url, List.of(connection.userId())).getWebhookEndpoint().getWebhookEndpointId();
      gateway.get().egress().map("rebinding.test", "192.168.7.7");
      appendAdded(connection, 1);
      WebhookDelivery failed = awaitAttempted(id);
      assertThat(failed.getLastError()).contains("rebinding.test").contains("private");
      assertThat(failed.getLastStatusCode()).isZero();
      assertThat(receiver.received()).isEmpty();
      assertThat(gateway.get().egress().dials()).noneMatch(dial -> dial.getAddress().getHostAddress().equals("192.168.7.7"));
    }
  }

  @Test
  void bothSecretsSignDuringARotationAndReplayDeliversAgain() throws Exception {
    try (TestReceiver receiver = new TestReceiver()) {
      ConnectionRecord connection = newConnection("rotated");
      CreateWebhookEndpointResponse created = create(receiver.url(), List.of(connection.userId()));
      String id = created.getWebhookEndpoint().getWebhookEndpointId();
      appendAdded(connection, 1);
      TestReceiver.Received first = receiver.awaitAccepted(1, WAIT).get(0);

      String newSecret = webhooks().rotateWebhookEndpointSecret(RotateWebhookEndpointSecretRequest.newBuilder()
          .setWebhookEndpointId(id).build()).getSecret();
      appendAdded(connection, 1);
      TestReceiver.Received second = receiver.awaitAccepted(2, WAIT).get(1);
      assertThat(second.signature().split(" ")).containsExactly("v1," + hmac(newSecret, second),
          "v1," + hmac(created.getSecret(), second));

      webhooks().replayWebhookDeliveries(ReplayWebhookDeliveriesRequest.newBuilder().setWebhookEndpointId(id)
          .setCursor(parse(first.body()).getCursor()).build());
      TestReceiver.Received replayed = receiver.awaitAccepted(3, WAIT).get(2);
      assertThat(replayed.id()).isEqualTo(second.id());
      assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> webhooks().replayWebhookDeliveries(
          ReplayWebhookDeliveriesRequest.newBuilder().setWebhookEndpointId(id).setCursor("forged").build()));
    }
  }

  @Test
  void aSecretIsShownOnceAndNeverLogged() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        LogLines service = new LogLines(WebhookService.class).withDebug();
        LogLines dispatcher = new LogLines(WebhookDispatcher.class).withDebug()) {
      ConnectionRecord connection = newConnection("secret");
      CreateWebhookEndpointResponse created = create(receiver.url(), List.of(connection.userId()));
      String id = created.getWebhookEndpoint().getWebhookEndpointId();
      String rotated = webhooks().rotateWebhookEndpointSecret(RotateWebhookEndpointSecretRequest.newBuilder()
          .setWebhookEndpointId(id).build()).getSecret();
      receiver.answer(500);
      appendAdded(connection, 1);
      receiver.awaitAccepted(1, WAIT);
      List<String> answers = List.of(
          webhooks().getWebhookEndpoint(GetWebhookEndpointRequest.newBuilder().setWebhookEndpointId(id).build())
              .toString(),
          webhooks().listWebhookEndpoints(ListWebhookEndpointsRequest.newBuilder().setPageSize(1000).build()).toString(),
          webhooks().listWebhookDeliveries(ListWebhookDeliveriesRequest.newBuilder().setWebhookEndpointId(id).build())
              .toString());
      for (String secret : List.of(created.getSecret(), rotated)) {
        String key = secret.substring(6);
        assertThat(answers).noneMatch(answer -> answer.contains(key));
        assertThat(service.all()).noneMatch(line -> line.getFormattedMessage().contains(key));
        assertThat(dispatcher.all()).noneMatch(line -> line.getFormattedMessage().contains(key));
      }
      assertThat(dispatcher.containing(id)).isNotEmpty();
    }
  }

  private CreateWebhookEndpointResponse create(String url, List<String> users, MailboxEventType... types) {
    return webhooks().createWebhookEndpoint(CreateWebhookEndpointRequest.newBuilder()
        .setWebhookEndpoint(WebhookEndpoint.newBuilder().setUrl(url).addAllUserIds(users)
            .addAllEventTypes(List.of(types)).setEnabled(true))
        .build());
  }

  private static ConnectionRecord newConnection(String prefix) {
    String userId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    return gateway.get().onTenantData("acme", db -> new ConnectionStore().insert(db, userId, ProviderKind.GMAIL,
        userId + "@gmail.test", List.of(), ConnectionStatus.ACTIVE));
  }

  private static List<Long> appendAdded(ConnectionRecord connection, int count) {
    List<NewEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(NewEvent.added(new MessageSummary("m" + i, "t" + i, MailAddress.of("ada@example.org"), List.of(),
          "subject " + i, "snippet " + i, List.of("INBOX"), Instant.now(), false)));
    }
    return TestGateway.await(gateway.get().server().tenants().find("acme").orElseThrow()
        .withTransaction(tx -> new EventLog().append(tx, connection.id(), events)));
  }

  private List<WebhookDelivery> awaitDeliveries(String endpointId, int finished) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    List<WebhookDelivery> deliveries;
    do {
      Thread.sleep(50);
      deliveries = webhooks().listWebhookDeliveries(ListWebhookDeliveriesRequest.newBuilder()
          .setWebhookEndpointId(endpointId).build()).getDeliveriesList();
    } while (deliveries.stream().filter(d -> d.getStatus() != WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PENDING)
        .count() < finished && System.nanoTime() < end);
    return deliveries;
  }

  private WebhookDelivery awaitAttempted(String endpointId) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      List<WebhookDelivery> deliveries = webhooks().listWebhookDeliveries(ListWebhookDeliveriesRequest.newBuilder()
          .setWebhookEndpointId(endpointId).build()).getDeliveriesList();
      if (!deliveries.isEmpty() && !deliveries.get(0).getLastError().isEmpty()) {
        return deliveries.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no attempt was recorded");
  }

  private WebhookEndpoint awaitDisabled(String id) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    WebhookEndpoint endpoint;
    do {
      Thread.sleep(50);
      endpoint = webhooks().getWebhookEndpoint(GetWebhookEndpointRequest.newBuilder().setWebhookEndpointId(id).build());
    } while (endpoint.getEnabled() && System.nanoTime() < end);
    return endpoint;
  }

  /** The signature computed here, independently of the gateway's code: base64 HMAC-SHA256 of id.timestamp.body. */
  private static String hmac(String secret, TestReceiver.Received delivery) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      byte[] signed = (delivery.id() + "." + delivery.timestamp() + "." + delivery.body())
          .getBytes(StandardCharsets.UTF_8);
      return Base64.getEncoder().encodeToString(mac.doFinal(signed));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static MailboxEvent parse(String json) {
    try {
      MailboxEvent.Builder event = MailboxEvent.newBuilder();
      JsonFormat.parser().merge(json, event);
      return event.build();
    } catch (Exception e) {
      throw new AssertionError("not a MailboxEvent in the proto JSON mapping: " + json, e);
    }
  }
}
