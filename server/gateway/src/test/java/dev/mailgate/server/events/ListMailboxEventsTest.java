package dev.mailgate.server.events;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.ListMailboxEventsResponse;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ListMailboxEvents through gRPC: order, cursors, ownership, scope binding and retention. */
class ListMailboxEventsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static final EventFixture fixture = new EventFixture(gateway::get);

  private static MailServiceGrpc.MailServiceBlockingStub mail(ClientInterceptor key) {
    return MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(key);
  }

  private static ListMailboxEventsRequest request(ConnectionRecord connection, String connectionId, String cursor) {
    return ListMailboxEventsRequest.newBuilder().setUserId(connection.userId()).setConnectionId(connectionId)
        .setCursor(cursor).build();
  }

  /** The cursor "now" of a scope. */
  private static String now(ConnectionRecord connection, String connectionId) {
    ListMailboxEventsResponse empty = mail(TestGateway.acme()).listMailboxEvents(request(connection, connectionId, ""));
    assertThat(empty.getEventsList()).isEmpty();
    assertThat(empty.getNextCursor()).isNotEmpty();
    return empty.getNextCursor();
  }

  /**
   * Lists from {@code cursor} until {@code count} events came: the log passes an event once every
   * older transaction on the database server has ended, which may take a moment in a busy test run.
   */
  private static List<MailboxEvent> listUntil(ConnectionRecord connection, String connectionId, String cursor, int count)
      throws InterruptedException {
    List<MailboxEvent> events = new ArrayList<>();
    String at = cursor;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (events.size() < count && System.nanoTime() < deadline) {
      ListMailboxEventsResponse page = mail(TestGateway.acme()).listMailboxEvents(request(connection, connectionId, at));
      events.addAll(page.getEventsList());
      at = page.getNextCursor();
      if (page.getEventsCount() == 0) {
        Thread.sleep(50);
      }
    }
    return events;
  }

  @Test
  void eventsAreListedInOrderWithCursorsToResumeFrom() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    String id = alice.id().toString();
    String start = now(alice, id);
    fixture.append("acme", alice, 3);

    List<MailboxEvent> events = listUntil(alice, id, start, 3);
    assertThat(events).extracting(MailboxEvent::getSequence).containsExactly(1L, 2L, 3L);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo(MailboxEventType.MAILBOX_EVENT_TYPE_CONNECTION_STATE_CHANGED);
      assertThat(e.getConnectionId()).isEqualTo(id);
      assertThat(e.getUserId()).isEqualTo(alice.userId());
      assertThat(e.getEventId()).isNotEmpty();
      assertThat(e.getCursor()).isNotEmpty();
      assertThat(e.hasObserveTime()).isTrue();
    });
    assertThat(events).extracting(MailboxEvent::getConnectionStatus).containsExactly(
        ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH, ConnectionStatus.CONNECTION_STATUS_ACTIVE,
        ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);

    List<MailboxEvent> resumed = listUntil(alice, id, events.get(0).getCursor(), 2);
    assertThat(resumed).extracting(MailboxEvent::getEventId)
        .containsExactly(events.get(1).getEventId(), events.get(2).getEventId());

    ListMailboxEventsResponse one = mail(TestGateway.acme()).listMailboxEvents(request(alice, id, start).toBuilder()
        .setPageSize(1).build());
    assertThat(one.getEventsList()).extracting(MailboxEvent::getSequence).containsExactly(1L);
    assertThat(one.getNextCursor()).isEqualTo(one.getEvents(0).getCursor());
  }

  @Test
  void dashListsEveryConnectionOfTheUser() throws Exception {
    ConnectionRecord first = fixture.newConnection("acme", TestGateway.acme(), "alice");
    ConnectionRecord second = fixture.connectionOf("acme", first.userId(), "second-" + first.emailAddress());
    ConnectionRecord stranger = fixture.newConnection("acme", TestGateway.acme(), "carol");
    String start = now(first, "-");
    fixture.append("acme", first, 1);
    fixture.append("acme", stranger, 1);
    fixture.append("acme", second, 1);

    List<MailboxEvent> events = listUntil(first, "-", start, 2);
    assertThat(events).extracting(MailboxEvent::getConnectionId)
        .containsExactly(first.id().toString(), second.id().toString());
    Thread.sleep(200);
    assertThat(mail(TestGateway.acme()).listMailboxEvents(request(first, "-", events.get(1).getCursor()))
        .getEventsList()).isEmpty();
  }

  @Test
  void anotherUsersConnectionIsNotFoundLikeAMissingOne() {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    ConnectionRecord bob = fixture.newConnection("acme", TestGateway.acme(), "bob");
    Failure foreign = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail(TestGateway.acme())
        .listMailboxEvents(request(bob, alice.id().toString(), "")));
    Failure missing = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail(TestGateway.acme())
        .listMailboxEvents(request(bob, java.util.UUID.randomUUID().toString(), "")));
    assertThat(foreign.message()).isEqualTo(missing.message());
  }

  @Test
  void cursorsOfAnotherTenantOrScopeOrAlteredAreInvalid() {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    ConnectionRecord globex = fixture.newConnection("globex", TestGateway.globex(), "alice");
    String id = alice.id().toString();
    String globexCursor = mail(TestGateway.globex()).listMailboxEvents(request(globex, globex.id().toString(), ""))
        .getNextCursor();
    String dashCursor = now(alice, "-");
    String own = now(alice, id);

    for (String cursor : List.of(globexCursor, dashCursor, own.substring(0, own.length() - 2) + "AA", "not-a-cursor")) {
      Failure refused = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail(TestGateway.acme())
          .listMailboxEvents(request(alice, id, cursor)));
      assertThat(refused.violations()).extracting(v -> v.getField()).containsExactly("cursor");
    }
    assertThat(mail(TestGateway.acme()).listMailboxEvents(request(alice, id, own)).getNextCursor()).isNotEmpty();
  }

  @Test
  void aCursorOlderThanRetentionGetsOneResyncThenContinuesFromNow() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    String id = alice.id().toString();
    String start = now(alice, id);
    fixture.append("acme", alice, 2);
    List<MailboxEvent> events = listUntil(alice, id, start, 2);
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        var age = db.prepareStatement("UPDATE mailbox_events SET observe_time = now() - interval '8 days'"
            + " WHERE connection_id = ?::uuid")) {
      age.setString(1, id);
      age.executeUpdate();
    }
    TestGateway.await(new EventRetention(new EventLog(), Duration.ofMinutes(1))
        .sweep(gateway.get().server().tenants().find("acme").orElseThrow()));

    ListMailboxEventsResponse expired = mail(TestGateway.acme()).listMailboxEvents(request(alice, id,
        events.get(0).getCursor()));
    assertThat(expired.getEventsList()).extracting(MailboxEvent::getType)
        .containsExactly(MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED);
    assertThat(expired.getEvents(0).getConnectionId()).isEqualTo(id);
    assertThat(expired.getNextCursor()).isEqualTo(expired.getEvents(0).getCursor());

    fixture.append("acme", alice, 1);
    List<MailboxEvent> continued = listUntil(alice, id, expired.getNextCursor(), 1);
    assertThat(continued).extracting(MailboxEvent::getSequence).containsExactly(3L);
  }
}
