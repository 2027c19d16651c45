package dev.mailgate.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event log on real PostgreSQL: no silent gaps with concurrent writers, per-connection order, retention. */
class EventLogTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static final EventLog LOG = new EventLog();

  private static Tenant acme() {
    return gateway.get().server().tenants().find("acme").orElseThrow();
  }

  /** A new user of acme with one connection. */
  static ConnectionRecord newConnection() {
    String userId = "events-" + UUID.randomUUID().toString().substring(0, 8);
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    return gateway.get().onTenantData("acme", db -> new ConnectionStore().insert(db, userId, ProviderKind.GMAIL,
        userId + "@gmail.test", List.of(), ConnectionStatus.ACTIVE));
  }

  private static Future<List<Long>> append(io.vertx.sqlclient.SqlClient tx, ConnectionRecord connection, int count) {
    List<NewEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(NewEvent.connectionState(ConnectionStatus.ACTIVE));
    }
    return LOG.append(tx, connection.id(), events);
  }

  private static EventPage read(ConnectionRecord connection, LogPosition after) {
    return gateway.get().onTenantData("acme", db -> LOG.read(db, EventScope.connection(connection.id()), after, 100));
  }

  /**
   * Reads until at least {@code count} events arrived: a reader passes an event only once every
   * older transaction of the database server has ended (other tests' tenants migrate meanwhile).
   */
  static List<StoredEvent> readAll(EventScope scope, LogPosition after, int count) throws InterruptedException {
    List<StoredEvent> all = new ArrayList<>();
    LogPosition at = after;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (all.size() < count && System.nanoTime() < deadline) {
      LogPosition from = at;
      EventPage page = gateway.get().onTenantData("acme", db -> LOG.read(db, scope, from, 100));
      all.addAll(page.events());
      at = page.next();
      if (page.events().isEmpty()) {
        Thread.sleep(50);
      }
    }
    return all;
  }

  /**
   * Transaction A appends and stays open; B appends after it (a higher transaction id) and commits.
   * A reader must not pass A's position, or it would skip A's event when A commits: it returns
   * nothing yet, and once A commits the next read from its cursor returns A's event, then B's.
   */
  @Test
  void anEventThatCommitsLateIsNotSkipped() throws Exception {
    ConnectionRecord connection = newConnection();
    LogPosition start = gateway.get().onTenantData("acme", LOG::now);

    CountDownLatch appendedA = new CountDownLatch(1);
    Promise<Void> commitA = Promise.promise();
    Future<List<Long>> a = acme().withTransaction(tx -> append(tx, connection, 1)
        .compose(sequences -> {
          appendedA.countDown();
          return commitA.future().map(sequences);
        }));
    assertThat(appendedA.await(10, TimeUnit.SECONDS)).isTrue();
    // B locks the connection after A committed, so it appends to another connection of the same tenant.
    ConnectionRecord other = newConnection();
    List<Long> b = TestGateway.await(acme().withTransaction(tx -> append(tx, other, 1)));
    assertThat(b).containsExactly(1L);

    EventPage whileAOpen = gateway.get().onTenantData("acme",
        db -> LOG.read(db, EventScope.tenant(List.of(), List.of(connection.id(), other.id()), List.of()), start, 100));
    assertThat(whileAOpen.events()).as("nothing at or after A's position passes while A is in flight").isEmpty();

    commitA.complete();
    assertThat(TestGateway.await(a)).containsExactly(1L);
    List<StoredEvent> afterCommit = readAll(EventScope.tenant(List.of(), List.of(connection.id(), other.id()), List.of()),
        whileAOpen.next(), 2);
    assertThat(afterCommit).extracting(StoredEvent::connectionId).containsExactly(connection.id(), other.id());
    assertThat(afterCommit.get(0).position()).isLessThan(afterCommit.get(1).position());
  }

  /** Twenty transactions append to one connection at once: sequences are 1..60, increasing in log order. */
  @Test
  void sequencesOfOneConnectionIncreaseInLogOrderAcrossConcurrentAppenders() throws Exception {
    ConnectionRecord connection = newConnection();
    LogPosition start = gateway.get().onTenantData("acme", LOG::now);
    List<Future<List<Long>>> appends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      appends.add(acme().withTransaction(tx -> append(tx, connection, 3)));
    }
    TestGateway.await(Future.all(appends));

    List<StoredEvent> all = readAll(EventScope.connection(connection.id()), start, 60);
    assertThat(all).extracting(StoredEvent::sequence)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 60).boxed().toList());
    assertThat(all).extracting(StoredEvent::eventId).doesNotHaveDuplicates();
    assertThat(all).allSatisfy(e -> {
      assertThat(e.userId()).isEqualTo(connection.userId());
      assertThat(e.status()).contains(ConnectionStatus.ACTIVE);
    });
  }

  /** Events older than the retention are deleted; a cursor below them reads as expired, "now" does not. */
  @Test
  void aCursorOlderThanRetentionIsExpired() throws Exception {
    ConnectionRecord connection = newConnection();
    LogPosition start = gateway.get().onTenantData("acme", LOG::now);
    TestGateway.await(acme().withTransaction(tx -> append(tx, connection, 2)));
    List<StoredEvent> first = readAll(EventScope.connection(connection.id()), start, 2);
    assertThat(first).hasSize(2);
    LogPosition afterOne = first.get(0).position();
    LogPosition afterBoth = first.get(1).position();
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        var age = db.prepareStatement("UPDATE mailbox_events SET observe_time = now() - interval '8 days'"
            + " WHERE connection_id = ?::uuid")) {
      age.setString(1, connection.id().toString());
      age.executeUpdate();
    }
    EventRetention retention = new EventRetention(LOG, java.time.Duration.ofMinutes(1));
    assertThat(TestGateway.await(retention.sweep(acme()))).isGreaterThanOrEqualTo(2);

    EventPage expired = read(connection, afterOne);
    assertThat(expired.expired()).isTrue();
    assertThat(expired.events()).isEmpty();
    EventPage continued = read(connection, expired.next());
    assertThat(continued.expired()).isFalse();
    assertThat(read(connection, afterBoth).expired()).as("a cursor at the last deleted event missed nothing").isFalse();
    assertThat(read(connection, LogPosition.START).expired()).isTrue();
  }

  /** The event's payload comes back as it went in. */
  @Test
  void payloadRoundTrips() throws Exception {
    ConnectionRecord connection = newConnection();
    var summary = new dev.mailgate.server.mail.MessageSummary("m1", "t1",
        new dev.mailgate.server.mail.MailAddress("ada@example.com", "Ada"),
        List.of(dev.mailgate.server.mail.MailAddress.of("bob@example.com")), "Hello", "snip", List.of("INBOX", "UNREAD"),
        java.time.Instant.parse("2026-01-02T03:04:05Z"), true);
    NewEvent labels = new NewEvent(EventType.LABELS_CHANGED, java.util.Optional.of(summary),
        java.util.Optional.of(new LabelChanges(List.of("STARRED"), List.of("UNREAD"))), java.util.Optional.empty());
    LogPosition start = gateway.get().onTenantData("acme", LOG::now);
    TestGateway.await(acme().withTransaction(tx -> LOG.append(tx, connection.id(), List.of(labels))));
    StoredEvent stored = readAll(EventScope.connection(connection.id()), start, 1).get(0);
    assertThat(stored.type()).isEqualTo(EventType.LABELS_CHANGED);
    assertThat(stored.message()).contains(summary);
    assertThat(stored.labels()).contains(new LabelChanges(List.of("STARRED"), List.of("UNREAD")));
    assertThat(stored.emailAddress()).isEqualTo(connection.emailAddress());
  }
}
