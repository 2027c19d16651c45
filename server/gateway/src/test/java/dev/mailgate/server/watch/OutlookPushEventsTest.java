package dev.mailgate.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outlook through Graph change notifications, end to end: the gateway subscribes each watched
 * mailbox at its public URL, the Graph sandbox validates the URL and notifies it, and the event
 * arrives although the gateway polls only once an hour here. A {@code missed} lifecycle
 * notification is a RESYNC_REQUIRED.
 */
class OutlookPushEventsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWatch(
      WatchPolicy.DEFAULT.withIntervals(Duration.ofHours(1), Duration.ofSeconds(1))
          .withPush("http://127.0.0.1:" + options.port(), Optional.empty(), WatchPolicy.GOOGLE_CERTS_URL)));

  private MailServiceGrpc.MailServiceBlockingStub mail;
  private String userId;
  private Connection connection;
  private String address;
  private String cursor;

  private String subscribed() throws Exception {
    mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    userId = Mailboxes.newUserId("push");
    address = userId + "@outlook.test";
    connection = ProviderMailbox.OUTLOOK.connect(gateway.get(), userId, address);
    cursor = list().getNextCursor();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> subscriptions;
    while ((subscriptions = gateway.get().providers().sandbox().graph().subscriptionIds(address)).isEmpty()) {
      assertThat(System.nanoTime()).as("the gateway subscribes the mailbox").isLessThan(deadline);
      Thread.sleep(100);
    }
    return subscriptions.get(0);
  }

  private dev.mailgate.proto.v1.ListMailboxEventsResponse list() {
    return mail.listMailboxEvents(ListMailboxEventsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setCursor(cursor == null ? "" : cursor).build());
  }

  private MailboxEvent await(String what, Predicate<MailboxEvent> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<MailboxEvent> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      var page = list();
      cursor = page.getNextCursor();
      for (MailboxEvent event : page.getEventsList()) {
        if (wanted.test(event)) {
          return event;
        }
        seen.add(event);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + what + " within 10 s (the gateway polls hourly); saw " + seen);
  }

  @Test
  void aNotifiedArrivalIsAnEventWithinSecondsThoughPollingIsHourly() throws Exception {
    subscribed();
    String subject = "pushed " + UUID.randomUUID();

    ProviderMailbox.OUTLOOK.deliver(gateway.get(), address,
        Mailboxes.mail("ada@example.org", address, subject, "hello", "", null));

    MailboxEvent added = await("MESSAGE_ADDED", e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
        && e.getMessage().getSubject().equals(subject));
    assertThat(added.getConnectionId()).isEqualTo(connection.getConnectionId());
  }

  @Test
  void aMissedLifecycleNotificationIsResyncRequired() throws Exception {
    String subscription = subscribed();

    gateway.get().providers().sandbox().graph().lifecycle(subscription, "missed");

    MailboxEvent resync = await("RESYNC_REQUIRED",
        e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED);
    assertThat(resync.getConnectionId()).isEqualTo(connection.getConnectionId());
  }
}
