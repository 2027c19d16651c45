package dev.mailgate.server.events;

import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.store.ConnectionStatus;
import java.util.List;
import java.util.Optional;

/** An event to append: its type and what it carries (the log gives it its id, sequence and time). */
public record NewEvent(EventType type, Optional<MessageSummary> message, Optional<LabelChanges> labels,
    Optional<ConnectionStatus> status) {

  /** A message arrived (or was created) in a watched mailbox; {@code message} as SearchMessages lists it. */
  public static NewEvent added(MessageSummary message) {
    return new NewEvent(EventType.MESSAGE_ADDED, Optional.of(message), Optional.empty(), Optional.empty());
  }

  /**
   * A message left the watched mailbox for good (deleted, or, where ids name a folder, moved out of
   * it): only its ids are known ({@code threadId} may be empty).
   */
  public static NewEvent deleted(String messageId, String threadId) {
    return new NewEvent(EventType.MESSAGE_DELETED,
        Optional.of(new MessageSummary(messageId, threadId, null, List.of(), "", "", List.of(), null, false)),
        Optional.empty(), Optional.empty());
  }

  /**
   * A message's labels changed (read/unread, starred, moved, archived, trashed); {@code message}
   * carries its ids and, where known, its summary with the labels it has now.
   */
  public static NewEvent labelsChanged(MessageSummary message, List<String> added, List<String> removed) {
    return new NewEvent(EventType.LABELS_CHANGED, Optional.of(message),
        Optional.of(new LabelChanges(List.copyOf(added), List.copyOf(removed))), Optional.empty());
  }

  /** The provider lost the connection's history: changes may have been missed, re-list. */
  public static NewEvent resyncRequired() {
    return new NewEvent(EventType.RESYNC_REQUIRED, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The connection's status changed to {@code status}. */
  public static NewEvent connectionState(ConnectionStatus status) {
    return new NewEvent(EventType.CONNECTION_STATE_CHANGED, Optional.empty(), Optional.empty(), Optional.of(status));
  }
}
