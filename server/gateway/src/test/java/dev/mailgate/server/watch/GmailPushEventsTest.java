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
 * Gmail through Pub/Sub push, end to end: the gateway watches each mailbox ({@code users.watch} on
 * its topic), the Gmail sandbox pushes the Pub/Sub envelope with a signed OIDC token to the
 * gateway's /push/gmail, the gateway verifies it and reads the history, and the event arrives
 * although the gateway polls only once an hour here.
 */
class GmailPushEventsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWatch(
      WatchPolicy.DEFAULT.withIntervals(Duration.ofHours(1), Duration.ofSeconds(1))
          .withPush("http://127.0.0.1:" + options.port(), Optional.of("projects/mailgate-test/topics/mailbox"),
              options.watch().gmailPushCertsUrl())));

  private MailServiceGrpc.MailServiceBlockingStub mail;
  private String userId;
  private Connection connection;
  private String address;
  private String cursor;

  private void subscribed() throws Exception {
    mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    userId = Mailboxes.newUserId("push");
    address = userId + "@gmail.test";
    connection = ProviderMailbox.GMAIL.connect(gateway.get(), userId, address);
    cursor = list().getNextCursor();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (gateway.get().providers().sandbox().gmail().calls("POST", "/users/me/watch") == 0) {
      assertThat(System.nanoTime()).as("the gateway watches the mailbox").isLessThan(deadline);
      Thread.sleep(100);
    }
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

    ProviderMailbox.GMAIL.deliver(gateway.get(), address,
        Mailboxes.mail("ada@example.org", address, subject, "hello", "", null));

    MailboxEvent added = await("MESSAGE_ADDED", e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
        && e.getMessage().getSubject().equals(subject));
    assertThat(added.getConnectionId()).isEqualTo(connection.getConnectionId());
  }
}
