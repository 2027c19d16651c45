package dev.mailgate.server.events;

/**
 * The kinds of event stored in the log. RESYNC_REQUIRED is stored when a watcher finds that a
 * provider lost the history of a connection; readers also make one for a cursor older than the
 * retention. HEARTBEAT is never stored: streams make it when they have nothing to say.
 */
public enum EventType {
  MESSAGE_ADDED,
  MESSAGE_DELETED,
  LABELS_CHANGED,
  CONNECTION_STATE_CHANGED,
  RESYNC_REQUIRED
}
