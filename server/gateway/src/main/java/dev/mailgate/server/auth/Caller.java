package dev.mailgate.server.auth;

import dev.mailgate.server.agent.AgentGrant;
import dev.mailgate.server.tenant.Tenant;
import java.util.Optional;

/**
 * Who is calling: an authenticated tenant, plus the request id used in logs and responses. A
 * caller with an agent token also carries what that token allows ({@code agent}); a caller with
 * the tenant's API key has none and may do anything within its tenant.
 */
public record Caller(Tenant tenant, String requestId, Optional<AgentGrant> agent) {

  public Caller(Tenant tenant, String requestId) {
    this(tenant, requestId, Optional.empty());
  }
}
