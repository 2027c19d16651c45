package dev.mailgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import dev.mailgate.server.watch.WatchKey;
import dev.mailgate.server.watch.WatchPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Provider pushes on several nodes: Gmail and Graph deliver every push to the first node's public
 * URL (as a load balancer may), while the second node watches half of the mailboxes. Polling is
 * hourly, so an event within seconds for a mailbox the second node watches came by a push the first
 * node received, verified and relayed through the coordination database.
 */
class ClusterPushTest {

  private static final String COORDINATION = "coord_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> {
    try {
      String coordination = TestPostgres.get().createDatabaseUri(COORDINATION);
      return options
          .withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(2))
              .withPush("http://127.0.0.1:" + options.port(), Optional.of("projects/mailgate-test/topics/mailbox"),
                  options.watch().gmailPushCertsUrl())
              .withGmailPushServiceAccount(GmailSandbox.PUSH_SERVICE_ACCOUNT))
          .withCluster(ClusterPolicy.DEFAULT.withCoordinationDb(coordination)
              .withTiming(Duration.ofSeconds(3), Duration.ofMillis(500)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  });

  private final MailServiceGrpc.MailServiceBlockingStub mail =
      MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

  private static boolean watchedHere(Connection connection) {
    return TestGateway.await(gateway.get().server().watcher()
        .watching(new WatchKey("acme", UUID.fromString(connection.getConnectionId()))));
  }

  private static void await(String what, long seconds, java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private boolean sawArrival(Connection connection, String cursor, String subject) {
    return mail.listMailboxEvents(ListMailboxEventsRequest.newBuilder().setUserId(connection.getUserId())
            .setConnectionId(connection.getConnectionId()).setCursor(cursor).build()).getEventsList().stream()
        .anyMatch(e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
            && e.getMessage().getSubject().equals(subject));
  }

  private String now(Connection connection) {
    return mail.listMailboxEvents(ListMailboxEventsRequest.newBuilder().setUserId(connection.getUserId())
        .setConnectionId(connection.getConnectionId()).build()).getNextCursor();
  }

  @Test
  void aPushTheFirstNodeReceivesReachesTheNodeThatWatchesTheMailbox() throws Exception {
    var gmail = gateway.get().providers().sandbox().gmail();
    var graph = gateway.get().providers().sandbox().graph();
    try (TestGateway.Sibling second = gateway.get().startSibling()) {
      List<Connection> connections = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String gmailUser = Mailboxes.newUserId("pushg");
        connections.add(ProviderMailbox.GMAIL.connect(gateway.get(), gmailUser, gmailUser + "@gmail.test"));
        String outlookUser = Mailboxes.newUserId("pusho");
        connections.add(ProviderMailbox.OUTLOOK.connect(gateway.get(), outlookUser, outlookUser + "@outlook.test"));
      }
      await("both nodes watch some of the mailboxes", 30, () -> {
        long here = connections.stream().filter(ClusterPushTest::watchedHere).count();
        return here > 0 && here < connections.size();
      });
      Thread.sleep(1_000); // the second node's first reads and subscriptions settle
      List<Connection> elsewhere = connections.stream().filter(c -> !watchedHere(c)).toList();
      await("the second node subscribed its mailboxes", 30, () -> elsewhere.stream().allMatch(c ->
          c.getEmailAddress().endsWith("@gmail.test") ? gmail.calls("POST", "/users/me/watch") >= 6
              : !graph.subscriptionIds(c.getEmailAddress()).isEmpty()));
      Thread.sleep(1_100); // Gmail drops a mailbox's pushes beyond one a second

      List<String> cursors = elsewhere.stream().map(this::now).toList();
      for (Connection connection : elsewhere) {
        ProviderMailbox fixture = connection.getEmailAddress().endsWith("@gmail.test") ? ProviderMailbox.GMAIL
            : ProviderMailbox.OUTLOOK;
        fixture.deliver(gateway.get(), connection.getEmailAddress(), Mailboxes.mail("ada@example.org",
            connection.getEmailAddress(), "relayed " + connection.getConnectionId(), "hello", "", null));
      }
      for (int i = 0; i < elsewhere.size(); i++) {
        Connection connection = elsewhere.get(i);
        String cursor = cursors.get(i);
        await("the arrival in " + connection.getEmailAddress() + " (watched by the second node)", 15,
            () -> sawArrival(connection, cursor, "relayed " + connection.getConnectionId()));
      }
    }
  }
}
