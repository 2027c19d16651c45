package dev.mailgate.server.auth;

import dev.mailgate.server.agent.AgentGrant;
import dev.mailgate.server.tenant.Tenant;
import java.util.Optional;

/**
 * Who is calling: an authenticated tenant, plus the request id used in logs and responses. A
 * caller with an agent token also carries what that token allows ({@code agent}); a caller with
 * one of the tenant's dashboard keys ({@code dashboard}) may only read reports; a caller with the
 * tenant's API key has neither and may do anything within its tenant.
 */
public record Caller(Tenant tenant, String requestId, Optional<AgentGrant> agent, boolean dashboard) {

  public Caller(Tenant tenant, String requestId, Optional<AgentGrant> agent) {
    this(tenant, requestId, agent, false);
  }

  public Caller(Tenant tenant, String requestId) {
    this(tenant, requestId, Optional.empty(), false);
  }

  /** A caller signed in with one of the tenant's dashboard keys. */
  public static Caller dashboard(Tenant tenant, String requestId) {
    return new Caller(tenant, requestId, Optional.empty(), true);
  }
}
