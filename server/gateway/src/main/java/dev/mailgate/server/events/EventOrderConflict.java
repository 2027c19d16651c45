package dev.mailgate.server.events;

import java.util.UUID;

/**
 * An append refused because a transaction with a later id already appended to the same connection:
 * appending would put the connection's sequences out of log order. Retrying the transaction succeeds.
 */
public final class EventOrderConflict extends RuntimeException {
  public EventOrderConflict(UUID connectionId) {
    super("another transaction appended events of connection " + connectionId + " first; retry");
  }
}
