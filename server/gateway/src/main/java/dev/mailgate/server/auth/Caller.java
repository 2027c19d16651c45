package dev.mailgate.server.auth;

import dev.mailgate.server.agent.AgentGrant;
import dev.mailgate.server.tenant.Tenant;
import java.util.Optional;

/**
 * Who is calling: an authenticated tenant, plus the request id used in logs and responses. A
 * caller with an agent token also carries what that token allows ({@code agent}); a caller with
 * one of the tenant's dashboard keys ({@code dashboard}) may only read reports; a caller with one
 * of the tenant's API keys has neither and may do anything within its tenant. A key's caller
 * carries the key's name from the tenant file ({@code apiKeyName}, empty for an agent token), never
 * the key: the audit trail names callers by it.
 */
public record Caller(Tenant tenant, String requestId, Optional<AgentGrant> agent, String apiKeyName, boolean dashboard) {

  /** A caller with the tenant's API key named {@code apiKeyName}. */
  public Caller(Tenant tenant, String requestId, String apiKeyName) {
    this(tenant, requestId, Optional.empty(), apiKeyName, false);
  }

  /** A caller with an agent token. */
  public Caller(Tenant tenant, String requestId, AgentGrant agent) {
    this(tenant, requestId, Optional.of(agent), "", false);
  }

  /** A caller signed in with the tenant's dashboard key named {@code keyName}. */
  public static Caller dashboard(Tenant tenant, String requestId, String keyName) {
    return new Caller(tenant, requestId, Optional.empty(), keyName, true);
  }
}
