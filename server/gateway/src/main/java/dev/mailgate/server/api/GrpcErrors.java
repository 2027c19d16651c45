package dev.mailgate.server.api;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.mailgate.server.crypto.SecretUnreadableException;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.tenant.DatabaseUnavailable;
import io.vertx.pgclient.PgException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses (AIP-193): a status code, a status message,
 * and a {@code grpc-status-details-bin} trailer holding a {@code google.rpc.Status} with one
 * {@code ErrorInfo{domain: "mailgate", reason}}, plus {@code BadRequest} or {@code RetryInfo}
 * where they apply.
 */
public final class GrpcErrors {

  public static final String DOMAIN = "mailgate";
  static final String STATUS_DETAILS_KEY = "grpc-status-details-bin";

  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);
  private static final DatabaseFailureLog DATABASE_FAILURES = new DatabaseFailureLog(System::nanoTime);

  private GrpcErrors() {}

  /** What a failed call was answered with, for the access log. */
  record Sent(GrpcStatus status, Reason reason) {}

  /**
   * Ends the call with the status for {@code error} ({@code tenantId} is "-" before the caller is
   * known); returns what was sent, for the access log.
   */
  static Sent fail(GrpcServerResponse<?, ?> response, Throwable error, String requestId, String tenantId) {
    return fail(response, null, error, requestId, tenantId);
  }

  /**
   * As {@link #fail(GrpcServerResponse, Throwable, String, String)}; an HTTP/JSON call
   * ({@code httpJson} not null) is answered on its HTTP response instead, with the same
   * {@code google.rpc.Status} in its JSON form (see {@link HttpJsonErrors}).
   */
  static Sent fail(GrpcServerResponse<?, ?> response, HttpServerResponse httpJson, Throwable error, String requestId,
      String tenantId) {
    GatewayException failure = toGatewayException(error, requestId, tenantId);
    GrpcStatus code = statusOf(failure.reason());
    Status details = details(failure, code);
    if (httpJson != null) {
      HttpJsonErrors.end(httpJson, code, details, failure.retryDelay());
      return new Sent(code, failure.reason());
    }
    response.trailers().set(STATUS_DETAILS_KEY,
        Base64.getEncoder().withoutPadding().encodeToString(details.toByteArray()));
    response.status(code).statusMessage(failure.getMessage()).end();
    return new Sent(code, failure.reason());
  }

  /** SQLSTATEs of text the database cannot store: invalid byte sequence (NUL), untranslatable character. */
  private static final Set<String> UNSTORABLE_TEXT = Set.of("22021", "22P05");

  static GatewayException toGatewayException(Throwable error, String requestId, String tenantId) {
    GatewayException known = error instanceof GatewayException gateway ? gateway
        : error instanceof SecretUnreadableException ? GatewayException.withCause(Reason.CONNECTION_NEEDS_REAUTH,
            "the connection's stored credentials can no longer be read; the user must authorize or connect it again",
            error)
        // The request bytes are not the method's message (invalid UTF-8, a truncated field, a wrong wire type).
        : error instanceof CodecException ? GatewayException.invalid(List.of(new FieldViolation("request",
            "is not a valid encoding of the request message")))
        // A text value PostgreSQL cannot store (a NUL character) that no field check caught.
        : error instanceof PgException pg && UNSTORABLE_TEXT.contains(pg.getSqlState())
            ? GatewayException.invalid(List.of(new FieldViolation("request",
                "holds a text value with a character that cannot be stored (such as NUL)")))
        : DatabaseUnavailable.describeDatabaseClientFailure(error).isPresent()
            ? GatewayException.retryable(Reason.TENANT_DATABASE_UNAVAILABLE, "the tenant's database is unavailable",
                DatabaseUnavailable.RETRY_AFTER, error)
            : null;
    if (known == null) {
      log.error("request_id={} tenant={} unexpected failure", requestId, tenantId, error);
      return new GatewayException(Reason.INTERNAL, "internal error (request id " + requestId + ")");
    }
    if (known.reason() == Reason.TENANT_DATABASE_UNAVAILABLE) {
      logDatabaseFailure(known, requestId, tenantId);
    }
    return known;
  }

  /** One line, no stack trace, at most once per tenant per interval; SQLSTATE but never credentials. */
  private static void logDatabaseFailure(GatewayException failure, String requestId, String tenantId) {
    long suppressed = DATABASE_FAILURES.admit(tenantId);
    Throwable cause = failure.getCause() == null ? failure : failure.getCause();
    String what = DatabaseUnavailable.describe(cause).orElseGet(() -> cause.getClass().getSimpleName() + ": "
        + cause.getMessage());
    if (suppressed < 0) {
      log.debug("tenant={} database unavailable: {} (request_id={})", tenantId, what, requestId);
      return;
    }
    log.warn("tenant={} database unavailable: {} (request_id={}; {} more failures since the last line;"
        + " next line at most in {} s)", tenantId, what, requestId, suppressed, DatabaseFailureLog.INTERVAL.toSeconds());
  }

  /** The gRPC code for each reason. */
  public static GrpcStatus statusOf(Reason reason) {
    return switch (reason) {
      case TENANT_MISSING, API_KEY_MISSING, API_KEY_INVALID, AGENT_TOKEN_INVALID -> GrpcStatus.UNAUTHENTICATED;
      case AGENT_SCOPE_MISSING, AGENT_METHOD_NOT_ALLOWED, DASHBOARD_METHOD_NOT_ALLOWED -> GrpcStatus.PERMISSION_DENIED;
      case USER_NOT_FOUND, CONNECTION_NOT_FOUND, MESSAGE_NOT_FOUND, WEBHOOK_ENDPOINT_NOT_FOUND,
          AGENT_TOKEN_NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case USER_EXISTS, IDEMPOTENCY_KEY_REUSED -> GrpcStatus.ALREADY_EXISTS;
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case CONNECTION_NEEDS_REAUTH, AUTHORIZATION_STATE_INVALID, PROVIDER_PERMISSION_DENIED -> GrpcStatus.FAILED_PRECONDITION;
      case RATE_LIMITED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case PROVIDER_UNAVAILABLE, PROVIDER_RATE_LIMITED, TENANT_DATABASE_UNAVAILABLE, GATEWAY_OVERLOADED,
          SEND_IN_PROGRESS, GATEWAY_DRAINING -> GrpcStatus.UNAVAILABLE;
      case NOT_IMPLEMENTED -> GrpcStatus.UNIMPLEMENTED;
      case INTERNAL -> GrpcStatus.INTERNAL;
      case ORIGIN_NOT_ALLOWED -> GrpcStatus.PERMISSION_DENIED;
    };
  }

  private static Status details(GatewayException failure, GrpcStatus code) {
    Status.Builder status = Status.newBuilder()
        .setCode(code.code)
        .setMessage(failure.getMessage())
        .addDetails(Any.pack(ErrorInfo.newBuilder()
            .setDomain(DOMAIN)
            .setReason(failure.reason().name())
            .build()));
    if (!failure.violations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (FieldViolation violation : failure.violations()) {
        badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
            .setField(violation.field())
            .setDescription(violation.description()));
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    failure.retryDelay().ifPresent(delay -> status.addDetails(Any.pack(RetryInfo.newBuilder()
        .setRetryDelay(Duration.newBuilder().setSeconds(delay.getSeconds()).setNanos(delay.getNano()))
        .build())));
    return status.build();
  }
}
