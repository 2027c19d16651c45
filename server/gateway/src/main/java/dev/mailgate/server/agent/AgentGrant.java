package dev.mailgate.server.agent;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What a verified agent token allows: one user of its tenant, that user's connections (all of
 * them when {@code connections} is empty) and a set of scopes, until {@code expireTime}.
 */
public record AgentGrant(UUID tokenId, String userId, Set<UUID> connections, Set<AgentScope> scopes,
    Instant expireTime) {

  public AgentGrant {
    connections = Set.copyOf(connections);
    scopes = Set.copyOf(scopes);
  }

  /** Whether the token may use every connection of its user, including later ones. */
  public boolean allConnections() {
    return connections.isEmpty();
  }

  /** Whether the token may use the connection with this id (as the caller wrote it). */
  public boolean allows(String connectionId) {
    if (allConnections()) {
      return true;
    }
    try {
      return connections.contains(UUID.fromString(connectionId));
    } catch (IllegalArgumentException notAUuid) {
      return false;
    }
  }

  /** Whether the token may use this connection. */
  public boolean allows(UUID connectionId) {
    return allConnections() || connections.contains(connectionId);
  }
}
