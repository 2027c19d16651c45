package dev.mailgate.server.audit;

import java.time.Instant;

/**
 * One audited call on a user's data: who made it, on which user and connection, which method, how
 * it ended and its request id. Never content: no subject, address, body or query.
 *
 * @param time when the gateway admitted the call (microsecond precision, as stored)
 * @param actorType what kind of credential made the call
 * @param actorId the API key's name, or the agent token's id (never the key or token)
 * @param userId the user the request named
 * @param connectionId the connection the request named, "-" for all of them, or empty
 * @param method the full method name, {@code mailgate.v1.MailService/GetMessage}
 * @param status the gRPC status name the call ended with
 * @param reason the ErrorInfo reason of a failed call, or empty
 * @param requestId the call's request id
 */
public record AuditRecord(Instant time, ActorType actorType, String actorId, String userId, String connectionId,
    String method, String status, String reason, String requestId) {

  /** What kind of credential made a call. */
  public enum ActorType {
    API_KEY,
    AGENT_TOKEN,
    DASHBOARD_KEY
  }
}
