package dev.mailgate.server.events;

/**
 * The kinds of event stored in the log. RESYNC_REQUIRED and HEARTBEAT are not stored: readers make
 * them (for an expired cursor, and for a stream with nothing to say).
 */
public enum EventType {
  MESSAGE_ADDED,
  MESSAGE_DELETED,
  LABELS_CHANGED,
  CONNECTION_STATE_CHANGED
}
