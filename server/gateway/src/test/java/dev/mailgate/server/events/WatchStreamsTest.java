package dev.mailgate.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.proto.v1.WatchTenantFilter;
import dev.mailgate.proto.v1.WatchTenantRequest;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WatchMailbox and WatchTenant through gRPC, with short heartbeats and a short maximum age. */
class WatchStreamsTest {

  private static final Duration MAX_AGE = Duration.ofSeconds(4);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(),
      options -> options.withEventStreams(new EventStreamPolicy(MAX_AGE, Duration.ofMillis(200), Duration.ofMillis(100))));

  private static final EventFixture fixture = new EventFixture(gateway::get);

  private static MailServiceGrpc.MailServiceStub mail() {
    return MailServiceGrpc.newStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static Watcher<WatchMailboxRequest> watch(ConnectionRecord connection, String connectionId, String cursor) {
    Watcher<WatchMailboxRequest> watcher = new Watcher<>();
    mail().watchMailbox(WatchMailboxRequest.newBuilder().setUserId(connection.userId()).setConnectionId(connectionId)
        .setCursor(cursor).build(), watcher);
    return watcher;
  }

  @Test
  void aStreamReceivesEventsAppendedAfterItStartedInOrder() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    Watcher<WatchMailboxRequest> watcher = watch(alice, alice.id().toString(), "");
    assertThat(watcher.heartbeat(5)).isNotNull();
    fixture.append("acme", alice, 3);
    fixture.append("acme", alice, 2);

    assertThat(watcher.changes(5, 20)).extracting(MailboxEvent::getSequence).containsExactly(1L, 2L, 3L, 4L, 5L);
    watcher.cancel();
  }

  @Test
  void resumingFromACursorAfterADisconnectLeavesNoGap() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    Watcher<WatchMailboxRequest> first = watch(alice, "-", "");
    assertThat(first.heartbeat(5)).isNotNull();
    fixture.append("acme", alice, 1);
    MailboxEvent one = first.nextChange(20);
    assertThat(one.getSequence()).isEqualTo(1L);
    first.cancel();

    fixture.append("acme", alice, 2);
    Watcher<WatchMailboxRequest> second = watch(alice, "-", one.getCursor());
    assertThat(second.changes(2, 20)).extracting(MailboxEvent::getSequence).containsExactly(2L, 3L);
    second.cancel();
  }

  @Test
  void heartbeatsCarryACursorOfTheScope() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    Watcher<WatchMailboxRequest> watcher = watch(alice, alice.id().toString(), "");
    MailboxEvent beat = watcher.heartbeat(5);
    assertThat(beat.getCursor()).isNotEmpty();
    assertThat(beat.getEventId()).isEmpty();
    watcher.cancel();
    fixture.append("acme", alice, 1);
    // The heartbeat's cursor resumes in the same scope (ListMailboxEvents shares WatchMailbox's cursors).
    var events = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int found = 0;
    while (found == 0 && System.nanoTime() < deadline) {
      found = events.listMailboxEvents(ListMailboxEventsRequest.newBuilder().setUserId(alice.userId())
          .setConnectionId(alice.id().toString()).setCursor(beat.getCursor()).build()).getEventsCount();
      Thread.sleep(50);
    }
    assertThat(found).isEqualTo(1);
  }

  @Test
  void watchTenantSendsOnlyWhatItsFilterSelects() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    ConnectionRecord bob = fixture.newConnection("acme", TestGateway.acme(), "bob");
    ConnectionRecord carol = fixture.newConnection("acme", TestGateway.acme(), "carol");
    Watcher<WatchTenantRequest> watcher = new Watcher<>();
    mail().watchTenant(WatchTenantRequest.newBuilder().setFilter(WatchTenantFilter.newBuilder()
        .addUserIds(alice.userId()).addUserIds(carol.userId())
        .addTypes(MailboxEventType.MAILBOX_EVENT_TYPE_CONNECTION_STATE_CHANGED)).build(), watcher);
    assertThat(watcher.heartbeat(5)).isNotNull();
    fixture.append("acme", bob, 2);
    fixture.append("acme", alice, 1);
    fixture.append("acme", carol, 1);

    assertThat(watcher.changes(2, 20)).extracting(MailboxEvent::getUserId)
        .containsExactly(alice.userId(), carol.userId());
    Thread.sleep(300);
    assertThat(watcher.received).noneMatch(e -> e.getUserId().equals(bob.userId()));
    watcher.cancel();

    Watcher<WatchTenantRequest> wrongType = new Watcher<>();
    mail().watchTenant(WatchTenantRequest.newBuilder().setFilter(WatchTenantFilter.newBuilder()
        .addTypes(MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT)).build(), wrongType);
    assertThat(Status.fromThrowable(wrongType.ended.get(10, TimeUnit.SECONDS)).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void anotherUsersConnectionIsNotFoundBeforeAnyEvent() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    ConnectionRecord bob = fixture.newConnection("acme", TestGateway.acme(), "bob");
    fixture.append("acme", alice, 1);
    Watcher<WatchMailboxRequest> watcher = watch(bob, alice.id().toString(), "");
    Throwable ended = watcher.ended.get(10, TimeUnit.SECONDS);
    assertThat(watcher.received).isEmpty();
    GrpcAssertions.assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> {
      throw (StatusRuntimeException) ended;
    });
  }

  @Test
  void aStreamEndsWithOkAfterItsMaximumAge() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "alice");
    long started = System.nanoTime();
    Watcher<WatchMailboxRequest> watcher = watch(alice, alice.id().toString(), "");
    assertThat(watcher.ended.get(MAX_AGE.toSeconds() + 10, TimeUnit.SECONDS)).as("ended OK").isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(MAX_AGE.minusMillis(100));
    assertThat(watcher.received).isNotEmpty().allMatch(e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT);
  }
}
