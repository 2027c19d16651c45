package dev.mailgate.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.ListMailboxEventsResponse;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.LogLines;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Push end to end, with the gateway polling only once an hour, so an event within seconds came
 * by push. Gmail: the gateway watches each mailbox ({@code users.watch} on its topic), the Gmail
 * sandbox pushes the Pub/Sub envelope with a signed OIDC token to /push/gmail, the gateway verifies
 * it and reads the history, taking pushes of the configured service account only. Outlook: the
 * gateway subscribes each mailbox at its public URL, the Graph sandbox validates the URL and
 * notifies it; the clientState is stored encrypted, and one that does not decrypt is subscribed
 * again; a {@code missed} lifecycle notification is a RESYNC_REQUIRED.
 */
class PushEventsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWatch(
      WatchPolicy.DEFAULT.withIntervals(Duration.ofHours(1), Duration.ofSeconds(1))
          .withPush("http://127.0.0.1:" + options.port(), Optional.of("projects/mailgate-test/topics/mailbox"),
              options.watch().gmailPushCertsUrl())
          .withGmailPushServiceAccount(GmailSandbox.PUSH_SERVICE_ACCOUNT)));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final MailServiceGrpc.MailServiceBlockingStub mail =
      MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  private String userId;
  private Connection connection;
  private String address;
  private String cursor = "";

  /** Connects a new mailbox and waits until the provider has the gateway's subscription. */
  private void connectAndSubscribe(ProviderMailbox fixture, String domain, BooleanSupplier subscribed) throws Exception {
    userId = Mailboxes.newUserId("push");
    address = userId + "@" + domain;
    connection = fixture.connect(gateway.get(), userId, address);
    cursor = list().getNextCursor();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!subscribed.getAsBoolean()) {
      assertThat(System.nanoTime()).as("the gateway subscribes the mailbox").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private ListMailboxEventsResponse list() {
    return mail.listMailboxEvents(ListMailboxEventsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setCursor(cursor).build());
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

  private void aPushedArrivalIsAnEvent(ProviderMailbox fixture) throws Exception {
    String subject = "pushed " + UUID.randomUUID();

    fixture.deliver(gateway.get(), address, Mailboxes.mail("ada@example.org", address, subject, "hello", "", null));

    MailboxEvent added = await("MESSAGE_ADDED", e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
        && e.getMessage().getSubject().equals(subject));
    assertThat(added.getConnectionId()).isEqualTo(connection.getConnectionId());
    // The arrival is timed in /metrics: the provider's receive time to the event.
    assertThat(gateway.get().server().metrics().scrape()).containsPattern(
        "mailgate_events_detection_lag_seconds_count [1-9]");
  }

  @Test
  void aGmailArrivalIsPushedThroughPubSub() throws Exception {
    var gmail = gateway.get().providers().sandbox().gmail();
    int watchesBefore = gmail.calls("POST", "/users/me/watch");
    connectAndSubscribe(ProviderMailbox.GMAIL, "gmail.test", () -> gmail.calls("POST", "/users/me/watch") > watchesBefore);
    Thread.sleep(1_100); // Gmail drops a mailbox's pushes beyond one a second (as the sandbox does)
    aPushedArrivalIsAnEvent(ProviderMailbox.GMAIL);
  }

  @Test
  void aGmailBurstWhosePushesWereDroppedForRateIsAllSeen() throws Exception {
    var gmail = gateway.get().providers().sandbox().gmail();
    int watchesBefore = gmail.calls("POST", "/users/me/watch");
    connectAndSubscribe(ProviderMailbox.GMAIL, "gmail.test", () -> gmail.calls("POST", "/users/me/watch") > watchesBefore);
    Thread.sleep(1_100);
    String tag = UUID.randomUUID().toString();

    // The first arrival is pushed and read; Gmail drops the pushes of the next two, which arrive
    // within a second of that push (it sends at most one a second).
    aPushedArrivalIsAnEvent(ProviderMailbox.GMAIL);
    for (int i = 2; i <= 3; i++) {
      ProviderMailbox.GMAIL.deliver(gateway.get(), address,
          Mailboxes.mail("ada@example.org", address, i + " " + tag, "hello", "", null));
    }

    Set<String> added = new HashSet<>();
    await("both later MESSAGE_ADDED", e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
        && e.getMessage().getSubject().endsWith(tag) && added.add(e.getMessage().getSubject()) && added.size() == 2);
  }

  @Test
  void aGmailPushIsTakenOnlyFromTheConfiguredVerifiedServiceAccount() throws Exception {
    var gmail = gateway.get().providers().sandbox().gmail();
    int watchesBefore = gmail.calls("POST", "/users/me/watch");
    connectAndSubscribe(ProviderMailbox.GMAIL, "gmail.test", () -> gmail.calls("POST", "/users/me/watch") > watchesBefore);
    Thread.sleep(1_100);
    String subject = "pushed by hand " + UUID.randomUUID();
    gmail.dropPushes(true);
    try {
      ProviderMailbox.GMAIL.deliver(gateway.get(), address, Mailboxes.mail("ada@example.org", address, subject, "hello", "",
          null));
    } finally {
      gmail.dropPushes(false);
    }
    String audience = gateway.get().options().watch().gmailAudience().orElseThrow();
    Instant now = Instant.now();

    String stranger = gmail.pushToken(audience, "pusher@another-project.iam.gserviceaccount.com", true, now,
        now.plusSeconds(3600));
    String unverified = gmail.pushToken(audience, GmailSandbox.PUSH_SERVICE_ACCOUNT, false, now, now.plusSeconds(3600));
    assertThat(pushGmail(stranger)).as("another project's service account").isEqualTo(403);
    assertThat(pushGmail(unverified)).as("an unverified email").isEqualTo(403);
    Thread.sleep(1_500);
    assertThat(list().getEventsList()).as("a refused push reads nothing (the gateway polls hourly)")
        .noneMatch(e -> e.getMessage().getSubject().equals(subject));

    assertThat(pushGmail(gmail.pushToken(audience, now, now.plusSeconds(3600)))).isEqualTo(204);
    await("MESSAGE_ADDED", e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
        && e.getMessage().getSubject().equals(subject));
  }

  /** Posts a Pub/Sub push envelope naming the connection's mailbox to the gateway's /push/gmail; its status. */
  private int pushGmail(String token) throws Exception {
    String data = Base64.getEncoder().encodeToString(new JsonObject().put("emailAddress", address)
        .put("historyId", "1").encode().getBytes(StandardCharsets.UTF_8));
    String envelope = new JsonObject().put("message", new JsonObject().put("data", data).put("messageId", "7")
        .put("publishTime", Instant.now().toString())).put("subscription", "projects/mailgate-test/subscriptions/mailbox-push")
        .encode();
    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.get().options().watch().publicUrl().orElseThrow()
            + "/push/gmail")).header("content-type", "application/json").header("authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(envelope)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void anOutlookArrivalIsNotifiedThroughItsSubscription() throws Exception {
    var graph = gateway.get().providers().sandbox().graph();
    connectAndSubscribe(ProviderMailbox.OUTLOOK, "outlook.test", () -> !graph.subscriptionIds(address).isEmpty());
    aPushedArrivalIsAnEvent(ProviderMailbox.OUTLOOK);
  }

  @Test
  void anOutlookSubscriptionsClientStateIsStoredEncryptedAndNeverLogged() throws Exception {
    var graph = gateway.get().providers().sandbox().graph();
    try (LogLines log = LogLines.ofAll()) {
      connectAndSubscribe(ProviderMailbox.OUTLOOK, "outlook.test", () -> !graph.subscriptionIds(address).isEmpty());
      String subscriptionId = graph.subscriptionIds(address).get(0);
      String clientState = graph.clientState(subscriptionId).orElseThrow();
      String stored = storedPushState(subscriptionId);

      assertThat(stored).doesNotContain(clientState).doesNotContain("clientState");
      assertThat(new String(Base64.getUrlDecoder().decode(stored), StandardCharsets.ISO_8859_1))
          .doesNotContain(clientState);
      aPushedArrivalIsAnEvent(ProviderMailbox.OUTLOOK);
      assertThat(log.containing(clientState)).isEmpty();
    }
  }

  @Test
  void aStoredClientStateThatDoesNotDecryptIsSubscribedAgain() throws Exception {
    var graph = gateway.get().providers().sandbox().graph();
    connectAndSubscribe(ProviderMailbox.OUTLOOK, "outlook.test", () -> !graph.subscriptionIds(address).isEmpty());
    String old = graph.subscriptionIds(address).get(0);
    storedPushState(old);
    // As an earlier version stored it: in plaintext.
    String plaintext = new JsonObject().put("clientState", graph.clientState(old).orElseThrow())
        .put("expires", Instant.now().plus(Duration.ofDays(2)).toString()).encode();
    gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "UPDATE {schema}.connection_watch SET push_state = $2 WHERE connection_id = $1")
        .execute(Tuple.of(UUID.fromString(connection.getConnectionId()), plaintext)).mapEmpty());

    // A second gateway reads the stored watch afresh (this one keeps what it subscribed in memory);
    // it polls every second until push covers the connection, then every 15 minutes.
    int port = FreePort.pick();
    try (TestGateway.Sibling sibling = gateway.get().startSibling(options -> options.withPort(port).withWatch(
        options.watch().withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .withPush("http://127.0.0.1:" + port, Optional.empty(), options.watch().gmailPushCertsUrl())))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (graph.subscriptionIds(address).contains(old) || graph.subscriptionIds(address).isEmpty()) {
        assertThat(System.nanoTime()).as("the unreadable subscription is replaced").isLessThan(deadline);
        Thread.sleep(100);
      }
      String renewed = graph.subscriptionIds(address).get(0);
      assertThat(graph.subscriptionIds(address)).containsExactly(renewed);
      assertThat(storedPushState(renewed)).doesNotContain(graph.clientState(renewed).orElseThrow());

      aPushedArrivalIsAnEvent(ProviderMailbox.OUTLOOK);
    }
  }

  /** The connection's stored push_state once its push_id is {@code subscriptionId} (the watcher saved it). */
  private String storedPushState(String subscriptionId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      Row row = gateway.get().onTenantData("acme", db -> db.preparedQuery(
              "SELECT push_id, push_state FROM {schema}.connection_watch WHERE connection_id = $1")
          .execute(Tuple.of(UUID.fromString(connection.getConnectionId())))
          .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null));
      if (row != null && subscriptionId.equals(row.getString("push_id"))) {
        return row.getString("push_state");
      }
      assertThat(System.nanoTime()).as("the watcher stores subscription " + subscriptionId).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aMissedOutlookLifecycleNotificationIsResyncRequired() throws Exception {
    var graph = gateway.get().providers().sandbox().graph();
    connectAndSubscribe(ProviderMailbox.OUTLOOK, "outlook.test", () -> !graph.subscriptionIds(address).isEmpty());

    graph.lifecycle(graph.subscriptionIds(address).get(0), "missed");

    MailboxEvent resync = await("RESYNC_REQUIRED",
        e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED);
    assertThat(resync.getConnectionId()).isEqualTo(connection.getConnectionId());
  }
}
