package dev.mailgate.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.sandbox.graph.GraphSandbox;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How often the watcher polls, counted at the provider sandboxes: a connection whose push
 * subscription is healthy (Outlook here) is polled at the push poll interval (an hour), one without
 * push (Gmail: this gateway has no Pub/Sub topic) at the polling interval (a second); a Graph
 * {@code missed} notification brings the next poll back to the short interval.
 */
class PushPollingTest {

  private static final Duration POLL = Duration.ofSeconds(1);
  /** Longer than a poll interval and its jitter, twice. */
  private static final long WATCH_MILLIS = 2_500;

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWatch(
      WatchPolicy.DEFAULT.withIntervals(POLL, Duration.ofHours(1), Duration.ofSeconds(1))
          .withPush("http://127.0.0.1:" + options.port(), Optional.empty(), options.watch().gmailPushCertsUrl())));

  private final MailServiceGrpc.MailServiceBlockingStub mail =
      MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

  private Connection connect(ProviderMailbox fixture, String domain) throws Exception {
    String userId = Mailboxes.newUserId("pushpoll");
    Connection connection = fixture.connect(gateway.get(), userId, userId + "@" + domain);
    WatchKey key = new WatchKey("acme", UUID.fromString(connection.getConnectionId()));
    await("the connection is watched", () -> watching(key));
    return connection;
  }

  private static boolean watching(WatchKey key) {
    try {
      return gateway.get().server().watcher().watching(key).await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private int graphReads() {
    return gateway.get().providers().sandbox().graph().calls("GET", "/messages/delta");
  }

  private int gmailReads() {
    return gateway.get().providers().sandbox().gmail().calls("GET", "/history");
  }

  @Test
  void aConnectionWithAHealthySubscriptionIsNotPolledAtTheShortInterval() throws Exception {
    GraphSandbox graph = gateway.get().providers().sandbox().graph();
    Connection outlook = connect(ProviderMailbox.OUTLOOK, "outlook.test");
    String address = outlook.getEmailAddress();
    await("the gateway subscribes the Outlook mailbox", () -> !graph.subscriptionIds(address).isEmpty());
    connect(ProviderMailbox.GMAIL, "gmail.test");
    Thread.sleep(WATCH_MILLIS); // whatever was armed before the subscription settles

    int outlookBefore = graphReads();
    int gmailBefore = gmailReads();
    Thread.sleep(WATCH_MILLIS);

    assertThat(gmailReads()).as("Gmail reads (no push: polled every second)").isGreaterThanOrEqualTo(gmailBefore + 2);
    assertThat(graphReads()).as("Outlook delta reads (a healthy subscription: polled hourly)").isEqualTo(outlookBefore);
  }

  @Test
  void aMissedNotificationBringsThePollBackToTheShortInterval() throws Exception {
    GraphSandbox graph = gateway.get().providers().sandbox().graph();
    Connection outlook = connect(ProviderMailbox.OUTLOOK, "outlook.test");
    String address = outlook.getEmailAddress();
    await("the gateway subscribes the Outlook mailbox", () -> !graph.subscriptionIds(address).isEmpty());
    Thread.sleep(WATCH_MILLIS);

    ListMailboxEventsRequest from = ListMailboxEventsRequest.newBuilder().setUserId(outlook.getUserId())
        .setConnectionId(outlook.getConnectionId()).build();
    from = from.toBuilder().setCursor(mail.listMailboxEvents(from).getNextCursor()).build();
    ListMailboxEventsRequest since = from;

    graph.lifecycle(graph.subscriptionIds(address).get(0), "missed");
    await("the missed notification's RESYNC_REQUIRED", () -> mail.listMailboxEvents(since).getEventsList().stream()
        .anyMatch(e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED));
    int afterMissedRead = graphReads();
    Thread.sleep(WATCH_MILLIS);
    int afterShortPoll = graphReads();
    Thread.sleep(WATCH_MILLIS);

    assertThat(afterShortPoll).as("a poll at the short interval after the missed notification")
        .isGreaterThan(afterMissedRead);
    assertThat(graphReads()).as("then back to the push poll interval").isEqualTo(afterShortPoll);
  }
}
