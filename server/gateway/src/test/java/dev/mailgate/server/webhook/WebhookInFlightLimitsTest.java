package dev.mailgate.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.CreateWebhookEndpointRequest;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.UserServiceGrpc;
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
import dev.mailgate.server.testing.TestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The in-flight limits of webhook delivery, through gRPC on the production wiring: with 4 attempts
 * per node and 2 per endpoint, an endpoint that answers after 2 s and has more connections waiting
 * than the node has slots gets exactly 2 requests at a time, while another endpoint of the same
 * tenant keeps its sub-second latency; the slow endpoint still receives every event, in order per
 * connection. Without the per-endpoint limit the slow endpoint takes all 4 slots and the fast one
 * waits behind its queue.
 */
class WebhookInFlightLimitsTest {

  private static final int PER_ENDPOINT = 2;
  private static final Duration SLOW_ANSWER = Duration.ofSeconds(2);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWebhooks(
      options.webhooks().withIntervals(Duration.ofMillis(100), Duration.ofMillis(500))
          .withAttemptTimeout(Duration.ofSeconds(5)).withInFlightLimits(4, PER_ENDPOINT)));

  @Test
  void aSlowEndpointGetsNoMoreThanItsLimitAndTheOthersKeepTheirLatency() throws Exception {
    try (TestReceiver slow = new TestReceiver(16).delayEach(SLOW_ANSWER); TestReceiver fast = new TestReceiver(4)) {
      List<ConnectionRecord> slowConnections = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        slowConnections.add(newConnection("slow"));
      }
      ConnectionRecord fastConnection = newConnection("fast");
      create(slow.url(), slowConnections.stream().map(ConnectionRecord::userId).toList());
      create(fast.url(), List.of(fastConnection.userId()));

      Map<String, List<Long>> appended = new HashMap<>();
      for (ConnectionRecord connection : slowConnections) {
        appended.put(connection.id().toString(), appendAdded(connection, 2));
      }
      long saturatedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (slow.inFlight() < PER_ENDPOINT && System.nanoTime() < saturatedBy) {
        Thread.sleep(20);
      }
      assertThat(slow.inFlight()).as("the slow endpoint is saturated").isEqualTo(PER_ENDPOINT);

      // While the slow endpoint's 12 deliveries (6 connections first in line) drain two at a time.
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        long appendedAt = System.nanoTime();
        long sequence = appendAdded(fastConnection, 1).get(0);
        TestReceiver.Received received = awaitEvent(fast, sequence, Duration.ofSeconds(10));
        latencies.add(TimeUnit.NANOSECONDS.toMillis(received.arrivedNanos() - appendedAt));
        Thread.sleep(300);
      }
      assertThat(slow.received().size()).as("the slow endpoint was still busy meanwhile").isLessThan(12);
      assertThat(latencies).as("the fast endpoint's latencies (ms) while the slow one is saturated")
          .allMatch(ms -> ms < 1_500);

      List<TestReceiver.Received> all = slow.awaitAccepted(12, Duration.ofSeconds(30));
      assertThat(all).hasSize(12);
      assertThat(slow.mostInFlight()).as("requests at once at the slow endpoint").isEqualTo(PER_ENDPOINT);
      Map<String, List<Long>> received = new HashMap<>();
      for (TestReceiver.Received r : all) {
        MailboxEvent event = parse(r.body());
        received.computeIfAbsent(event.getConnectionId(), c -> new ArrayList<>()).add(event.getSequence());
      }
      assertThat(received).as("every event, in order per connection").isEqualTo(appended);
    }
  }

  private static TestReceiver.Received awaitEvent(TestReceiver receiver, long sequence, Duration within)
      throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < end) {
      for (TestReceiver.Received r : receiver.accepted()) {
        if (parse(r.body()).getSequence() == sequence) {
          return r;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("event " + sequence + " did not arrive within " + within);
  }

  private static void create(String url, List<String> users) {
    WebhookServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createWebhookEndpoint(CreateWebhookEndpointRequest.newBuilder()
            .setWebhookEndpoint(WebhookEndpoint.newBuilder().setUrl(url).addAllUserIds(users)
                .addEventTypes(MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED).setEnabled(true))
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
