package dev.mailgate.server.agent;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** An agent token as stored (never the token itself): whom it acts for, what it allows and until when. */
public record AgentTokenRecord(UUID id, String userId, Set<UUID> connections, Set<AgentScope> scopes,
    Instant createTime, Instant expireTime, Optional<Instant> revokeTime) {

  /** What the token allows while it is valid. */
  public AgentGrant grant() {
    return new AgentGrant(id, userId, connections, scopes, expireTime);
  }
}
