package dev.mailgate.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.ListMailboxEventsResponse;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** One mailbox: what was delivered to it, and its events as a client reads them from its cursor. */
final class EventReader {
  private final MailServiceGrpc.MailServiceBlockingStub mail;
  private final GatewaySupervisor.Account account;
  private final LocalProviders providers;
  private final Set<String> subjects = new java.util.LinkedHashSet<>();
  private final List<MailboxEvent> events = new ArrayList<>();
  private String cursor = "";

  EventReader(MailServiceGrpc.MailServiceBlockingStub mail, GatewaySupervisor.Account account, LocalProviders providers) {
    this.mail = mail;
    this.account = account;
    this.providers = providers;
  }

  void deliver(String subject) {
    byte[] message = Mailboxes.mail("ada@example.org", account.address(), subject, "hello", "", null);
    switch (account.provider()) {
      case PROVIDER_GMAIL -> providers.sandbox().gmail().deliver(account.address(), message, List.of("INBOX", "UNREAD"));
      case PROVIDER_OUTLOOK -> providers.sandbox().graph().deliver(account.address(), message, "inbox");
      default -> TestGateway.deliverImap(providers.mailServer(), account.address(), message);
    }
    subjects.add(subject);
  }

  /** Delivers one message until its event is read: then the gateway watches the mailbox. */
  void awaitWatched() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    cursor = page().getNextCursor();
    String primer = "primer " + UUID.randomUUID();
    deliver(primer);
    while (addedSubjects().stream().noneMatch(primer::equals)) {
      assertThat(System.nanoTime()).as("the primer's event arrives").isLessThan(deadline);
      if (!readSome()) {
        // Delivered before the watch began: deliver another primer.
        primer = "primer " + UUID.randomUUID();
        deliver(primer);
      }
      Thread.sleep(200);
    }
    subjects.removeIf(s -> s.startsWith("primer "));
    events.clear();
  }

  /** One page from the cursor; false if nothing came (or the gateway is down). */
  boolean readSome() {
    try {
      ListMailboxEventsResponse page = page();
      events.addAll(page.getEventsList());
      cursor = page.getNextCursor();
      return page.getEventsCount() > 0;
    } catch (StatusRuntimeException down) {
      return false;
    }
  }

  private ListMailboxEventsResponse page() {
    return mail.withDeadlineAfter(5, TimeUnit.SECONDS).listMailboxEvents(ListMailboxEventsRequest.newBuilder()
        .setUserId(account.userId()).setConnectionId(account.connectionId()).setCursor(cursor).setPageSize(500)
        .build());
  }

  void readUntilAll(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (!addedSubjects().containsAll(subjects) && System.nanoTime() < deadline) {
      if (!readSome()) {
        Thread.sleep(200);
      }
    }
  }

  private Set<String> addedSubjects() {
    return events.stream().filter(e -> e.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED)
        .map(e -> e.getMessage().getSubject()).collect(Collectors.toSet());
  }

  void check() {
    assertThat(addedSubjects()).as(account.provider() + ": every arrival has its event").containsAll(subjects);
    Map<String, Set<String>> eventIdsByMessage = new HashMap<>();
    Map<String, Long> sequenceByEventId = new HashMap<>();
    Map<Long, String> eventIdBySequence = new HashMap<>();
    for (MailboxEvent event : events) {
      if (event.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED) {
        eventIdsByMessage.computeIfAbsent(event.getMessage().getMessageId(), k -> new java.util.HashSet<>())
            .add(event.getEventId());
      }
      Long sequence = sequenceByEventId.putIfAbsent(event.getEventId(), event.getSequence());
      assertThat(sequence == null || sequence == event.getSequence())
          .as("a redelivered event keeps its sequence").isTrue();
      String eventId = eventIdBySequence.putIfAbsent(event.getSequence(), event.getEventId());
      assertThat(eventId == null || eventId.equals(event.getEventId()))
          .as("no sequence is used by two events").isTrue();
    }
    assertThat(eventIdsByMessage.values()).as(account.provider() + ": one MESSAGE_ADDED event per message")
        .allSatisfy(ids -> assertThat(ids).hasSize(1));
    List<Long> distinct = events.stream().map(MailboxEvent::getSequence).distinct().toList();
    assertThat(distinct).as("sequences increase").isSorted();
  }
}
