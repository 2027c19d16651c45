package dev.mailgate.server.watch;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.ListMailboxEventsResponse;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.ModifyMessageRequest;
import dev.mailgate.proto.v1.TrashMessageRequest;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every provider's change feed must report, through the public gRPC API: the events part of
 * the provider contract. A provider's test extends this with its {@link ProviderMailbox}; the
 * watcher polls every half second here (push has its own tests).
 */
public abstract class EventContractTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(),
      options -> options.withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofMillis(500), Duration.ofMillis(500),
          Duration.ofSeconds(1))));

  private final ProviderMailbox fixture;

  protected EventContractTest(ProviderMailbox fixture) {
    this.fixture = fixture;
  }

  /** Whether a message keeps its id when it moves between folders (not on IMAP, whose ids name the folder). */
  protected abstract boolean idsSurviveMoves();

  /** Makes the provider lose the history the watcher reads (expired history or delta tokens, a new UIDVALIDITY). */
  protected abstract void loseHistory(TestGateway gateway, String userId, String address) throws Exception;

  protected MailServiceGrpc.MailServiceBlockingStub mail;
  protected String userId;
  protected Connection connection;
  protected String address;
  /** Where this test's reading of the connection's events stands. */
  protected String cursor;

  @BeforeEach
  void connectAndWatch() throws Exception {
    mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    userId = Mailboxes.newUserId("events");
    address = userId + "@" + fixture.provider().name().toLowerCase().replace("provider_", "") + ".test";
    connection = fixture.connect(gateway.get(), userId, address);
    WatchKey key = new WatchKey("acme", UUID.fromString(connection.getConnectionId()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!gateway.get().server().watcher().watching(key).await(5, TimeUnit.SECONDS)) {
      assertThat(System.nanoTime()).as("the new connection is watched").isLessThan(deadline);
      Thread.sleep(50);
    }
    cursor = list("").getNextCursor();
  }

  private ListMailboxEventsResponse list(String from) {
    return mail.listMailboxEvents(ListMailboxEventsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setCursor(from).setPageSize(100).build());
  }

  /** Reads the connection's events from {@link #cursor} until {@code count} arrived (or 15 s passed). */
  protected List<MailboxEvent> events(int count) throws InterruptedException {
    List<MailboxEvent> events = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (events.size() < count && System.nanoTime() < deadline) {
      ListMailboxEventsResponse page = list(cursor);
      events.addAll(page.getEventsList());
      cursor = page.getNextCursor();
      if (page.getEventsCount() == 0) {
        Thread.sleep(100);
      }
    }
    return events;
  }

  /** Events read but not yet matched by {@link #awaitEvent}, in order. */
  private final List<MailboxEvent> unmatched = new ArrayList<>();

  /** The first event matching {@code wanted}, read before (and not matched yet) or within 15 s. */
  protected MailboxEvent awaitEvent(String what, Predicate<MailboxEvent> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    do {
      for (var it = unmatched.iterator(); it.hasNext(); ) {
        MailboxEvent event = it.next();
        if (wanted.test(event)) {
          it.remove();
          return event;
        }
      }
      unmatched.addAll(events(1));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no " + what + " event arrived; saw " + unmatched);
  }

  /** Delivers a message and returns its MESSAGE_ADDED event. */
  protected MailboxEvent arrival(String subject) throws InterruptedException {
    fixture.deliver(gateway.get(), address, Mailboxes.mail("ada@example.org", address, subject, "hello", "", null));
    return awaitEvent("MESSAGE_ADDED of " + subject, e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED
        && e.getMessage().getSubject().equals(subject));
  }

  private static Predicate<MailboxEvent> labelsChanged(String messageId) {
    return e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_LABELS_CHANGED
        && e.getMessage().getMessageId().equals(messageId);
  }

  private static Predicate<MailboxEvent> deleted(String messageId) {
    return e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_DELETED
        && e.getMessage().getMessageId().equals(messageId);
  }

  private void modify(String messageId, List<String> add, List<String> remove) {
    mail.modifyMessage(ModifyMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setMessageId(messageId).addAllAddLabelIds(add).addAllRemoveLabelIds(remove).build());
  }

  @Test
  void anArrivalIsOneMessageAddedWithItsSummaryInOrder() throws Exception {
    MailboxEvent first = arrival("first " + UUID.randomUUID());
    MailboxEvent second = arrival("second " + UUID.randomUUID());

    for (MailboxEvent event : List.of(first, second)) {
      assertThat(event.getConnectionId()).isEqualTo(connection.getConnectionId());
      assertThat(event.getUserId()).isEqualTo(userId);
      assertThat(event.getMessage().getFrom().getAddress()).isEqualTo("ada@example.org");
      assertThat(event.getMessage().getLabelIdsList()).contains("INBOX", "UNREAD");
      assertThat(event.getMessage().getMessageId()).isNotEmpty();
      assertThat(event.getEventId()).isNotEmpty();
    }
    assertThat(second.getSequence()).isGreaterThan(first.getSequence());
    assertThat(second.getEventId()).isNotEqualTo(first.getEventId());
  }

  @Test
  void readingStarringAndUnreadingAreLabelChanges() throws Exception {
    String id = arrival("labels " + UUID.randomUUID()).getMessage().getMessageId();

    modify(id, List.of(), List.of("UNREAD"));
    MailboxEvent read = awaitEvent("LABELS_CHANGED (read)", labelsChanged(id));
    assertThat(read.getLabelChanges().getRemovedLabelIdsList()).containsExactly("UNREAD");
    assertThat(read.getLabelChanges().getAddedLabelIdsList()).isEmpty();

    modify(id, List.of("STARRED"), List.of());
    MailboxEvent starred = awaitEvent("LABELS_CHANGED (starred)", labelsChanged(id));
    assertThat(starred.getLabelChanges().getAddedLabelIdsList()).containsExactly("STARRED");
    assertThat(starred.getSequence()).isGreaterThan(read.getSequence());

    modify(id, List.of("UNREAD"), List.of());
    MailboxEvent unread = awaitEvent("LABELS_CHANGED (unread)", labelsChanged(id));
    assertThat(unread.getLabelChanges().getAddedLabelIdsList()).containsExactly("UNREAD");
  }

  @Test
  void archivingAndTrashingAreReported() throws Exception {
    String archived = arrival("archive " + UUID.randomUUID()).getMessage().getMessageId();
    String trashed = arrival("trash " + UUID.randomUUID()).getMessage().getMessageId();

    modify(archived, List.of(), List.of("INBOX"));
    mail.trashMessage(TrashMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setMessageId(trashed).build());

    if (idsSurviveMoves()) {
      MailboxEvent archive = awaitEvent("LABELS_CHANGED (archived)", labelsChanged(archived));
      assertThat(archive.getLabelChanges().getRemovedLabelIdsList()).contains("INBOX");
      MailboxEvent trash = awaitEvent("LABELS_CHANGED (trashed)", labelsChanged(trashed));
      assertThat(trash.getLabelChanges().getAddedLabelIdsList()).contains("TRASH");
    } else {
      // The message left the watched inbox, and the id the API gave it there no longer resolves.
      awaitEvent("MESSAGE_DELETED (archived)", deleted(archived));
      awaitEvent("MESSAGE_DELETED (trashed)", deleted(trashed));
    }
  }

  @Test
  void aClientResumesFromItsCursorAndSeesEachEventOnce() throws Exception {
    arrival("before " + UUID.randomUUID());
    String saved = cursor;
    MailboxEvent one = arrival("one " + UUID.randomUUID());
    MailboxEvent two = arrival("two " + UUID.randomUUID());

    cursor = saved;
    List<MailboxEvent> again = events(2);

    assertThat(again).extracting(MailboxEvent::getEventId).containsExactly(one.getEventId(), two.getEventId());
    assertThat(again).extracting(MailboxEvent::getSequence).containsExactly(one.getSequence(), two.getSequence());
    Set<Long> sequences = new HashSet<>();
    assertThat(again).allSatisfy(e -> assertThat(sequences.add(e.getSequence())).isTrue());
  }

  @Test
  void lostProviderHistoryIsOneResyncRequiredInTheConnectionsOrderThenWatchingGoesOn() throws Exception {
    MailboxEvent before = arrival("before " + UUID.randomUUID());
    loseHistory(gateway.get(), userId, address);

    MailboxEvent resync = awaitEvent("RESYNC_REQUIRED",
        e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED);
    assertThat(resync.getConnectionId()).isEqualTo(connection.getConnectionId());
    assertThat(resync.getSequence()).isGreaterThan(before.getSequence());
    MailboxEvent after = arrival("after " + UUID.randomUUID());
    assertThat(after.getSequence()).isGreaterThan(resync.getSequence());
    assertThat(unmatched).noneMatch(e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED);
  }

  @Test
  void anotherUsersConnectionIsNotFoundAndAnotherScopesCursorIsInvalid() throws Exception {
    String other = Mailboxes.newUserId("other");
    Connection theirs = fixture.connect(gateway.get(), other, other + "@elsewhere.test");

    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail.listMailboxEvents(
        ListMailboxEventsRequest.newBuilder().setUserId(userId).setConnectionId(theirs.getConnectionId()).build()));
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.listMailboxEvents(
        ListMailboxEventsRequest.newBuilder().setUserId(other).setConnectionId(theirs.getConnectionId())
            .setCursor(cursor).build()));
  }
}
