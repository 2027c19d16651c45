package dev.mailgate.server.error;

/**
 * Why a call failed, in domain terms. Each name is also the {@code ErrorInfo.reason} sent to
 * clients (see {@code mailgate.v1.ErrorReason}); {@code api.GrpcErrors} picks the gRPC code.
 */
public enum Reason {
  TENANT_MISSING,
  API_KEY_MISSING,
  API_KEY_INVALID,
  USER_NOT_FOUND,
  CONNECTION_NOT_FOUND,
  MESSAGE_NOT_FOUND,
  USER_EXISTS,
  INVALID_ARGUMENT,
  CONNECTION_NEEDS_REAUTH,
  AUTHORIZATION_STATE_INVALID,
  IDEMPOTENCY_KEY_REUSED,
  RATE_LIMITED,
  PROVIDER_UNAVAILABLE,
  PROVIDER_RATE_LIMITED,
  TENANT_DATABASE_UNAVAILABLE,
  NOT_IMPLEMENTED,
  INTERNAL,
  PROVIDER_PERMISSION_DENIED,
  GATEWAY_OVERLOADED,
  SEND_IN_PROGRESS
}
