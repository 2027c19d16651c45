package dev.mailgate.server.store;

/** Whether a connection can be used, as stored. */
public enum ConnectionStatus {
  ACTIVE,
  NEEDS_REAUTH,
  DISCONNECTED
}
