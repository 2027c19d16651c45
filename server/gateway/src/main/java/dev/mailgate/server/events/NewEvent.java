package dev.mailgate.server.events;

import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.store.ConnectionStatus;
import java.util.Optional;

/** An event to append: its type and what it carries (the log gives it its id, sequence and time). */
public record NewEvent(EventType type, Optional<MessageSummary> message, Optional<LabelChanges> labels,
    Optional<ConnectionStatus> status) {

  /** The connection's status changed to {@code status}. */
  public static NewEvent connectionState(ConnectionStatus status) {
    return new NewEvent(EventType.CONNECTION_STATE_CHANGED, Optional.empty(), Optional.empty(), Optional.of(status));
  }
}
