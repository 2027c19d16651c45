package dev.mailgate.server.watch;

import java.util.UUID;

/** A watched connection: its tenant and id. */
public record WatchKey(String tenantId, UUID connectionId) {

  @Override
  public String toString() {
    return tenantId + "/" + connectionId;
  }
}
