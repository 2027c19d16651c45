package dev.mailgate.server.api;

import dev.mailgate.proto.v1.LabelChanges;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Events of the log to {@code mailgate.v1.MailboxEvent} and back (event types of a filter), each by a table. */
final class EventProtos {

  private static final Map<EventType, MailboxEventType> TYPES = Map.of(
      EventType.MESSAGE_ADDED, MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED,
      EventType.MESSAGE_DELETED, MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_DELETED,
      EventType.LABELS_CHANGED, MailboxEventType.MAILBOX_EVENT_TYPE_LABELS_CHANGED,
      EventType.CONNECTION_STATE_CHANGED, MailboxEventType.MAILBOX_EVENT_TYPE_CONNECTION_STATE_CHANGED,
      EventType.RESYNC_REQUIRED, MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED);

  private EventProtos() {}

  /** The type a filter may name; empty for HEARTBEAT, RESYNC_REQUIRED (always sent) and the zero value. */
  static Optional<EventType> stored(MailboxEventType type) {
    return TYPES.entrySet().stream().filter(e -> e.getValue() == type && e.getKey() != EventType.RESYNC_REQUIRED)
        .map(Map.Entry::getKey).findFirst();
  }

  static MailboxEvent event(StoredEvent event, String cursor) {
    MailboxEvent.Builder proto = MailboxEvent.newBuilder()
        .setType(TYPES.get(event.type()))
        .setEventId(event.eventId().toString())
        .setConnectionId(event.connectionId().toString())
        .setUserId(event.userId())
        .setSequence(event.sequence())
        .setObserveTime(ProtoTime.of(event.observeTime()))
        .setCursor(cursor);
    event.message().ifPresent(m -> proto.setMessage(MailProtos.summary(event.connectionId(), event.emailAddress(), m)));
    event.labels().ifPresent(l -> proto.setLabelChanges(LabelChanges.newBuilder()
        .addAllAddedLabelIds(l.added()).addAllRemovedLabelIds(l.removed())));
    event.status().ifPresent(s -> proto.setConnectionStatus(ConnectionProtos.statusOf(s)));
    return proto.build();
  }

  /**
   * The RESYNC_REQUIRED a cursor older than the retention gets; its id derives from the scope and the
   * expired cursor's position, so the same expired cursor gets the same event again.
   */
  static MailboxEvent resync(String scope, String expiredPosition, String userId, String connectionId, String cursor) {
    UUID id = UUID.nameUUIDFromBytes(("resync|" + scope + "|" + expiredPosition).getBytes(StandardCharsets.UTF_8));
    return MailboxEvent.newBuilder()
        .setType(MailboxEventType.MAILBOX_EVENT_TYPE_RESYNC_REQUIRED)
        .setEventId(id.toString())
        .setUserId(userId)
        .setConnectionId(connectionId)
        .setObserveTime(ProtoTime.of(Instant.now()))
        .setCursor(cursor)
        .build();
  }

  static MailboxEvent heartbeat(String cursor) {
    return MailboxEvent.newBuilder().setType(MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT).setCursor(cursor).build();
  }
}
