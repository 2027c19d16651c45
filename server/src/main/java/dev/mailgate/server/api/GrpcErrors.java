package dev.mailgate.server.api;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.Base64;
import java.util.List;
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

  private GrpcErrors() {}

  /** Ends the call with the status for {@code error}; returns the status sent, for the access log. */
  static GrpcStatus fail(GrpcServerResponse<?, ?> response, Throwable error, String requestId) {
    GatewayException failure = toGatewayException(error, requestId);
    GrpcStatus code = statusOf(failure.reason());
    response.trailers().set(STATUS_DETAILS_KEY,
        Base64.getEncoder().withoutPadding().encodeToString(details(failure, code).toByteArray()));
    response.status(code).statusMessage(failure.getMessage()).end();
    return code;
  }

  static GatewayException toGatewayException(Throwable error, String requestId) {
    if (error instanceof GatewayException known) {
      return known;
    }
    if (error instanceof CodecException) {
      // The request bytes are not the method's message (invalid UTF-8, a truncated field, a wrong wire type).
      return GatewayException.invalid(List.of(new FieldViolation("request",
          "is not a valid encoding of the request message")));
    }
    if (error instanceof ConnectException || error instanceof ClosedConnectionException
        || error.getCause() instanceof ConnectException) {
      log.warn("request_id={} tenant database failed: {}", requestId, error.toString());
      return GatewayException.retryable(Reason.TENANT_DATABASE_UNAVAILABLE,
          "the tenant's database is unavailable", java.time.Duration.ofSeconds(1), error);
    }
    log.error("request_id={} unexpected failure", requestId, error);
    return new GatewayException(Reason.INTERNAL, "internal error (request id " + requestId + ")");
  }

  /** The gRPC code for each reason. */
  public static GrpcStatus statusOf(Reason reason) {
    return switch (reason) {
      case TENANT_MISSING, API_KEY_MISSING, API_KEY_INVALID -> GrpcStatus.UNAUTHENTICATED;
      case USER_NOT_FOUND, CONNECTION_NOT_FOUND, MESSAGE_NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case USER_EXISTS, IDEMPOTENCY_KEY_REUSED -> GrpcStatus.ALREADY_EXISTS;
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case CONNECTION_NEEDS_REAUTH, AUTHORIZATION_STATE_INVALID -> GrpcStatus.FAILED_PRECONDITION;
      case RATE_LIMITED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case PROVIDER_UNAVAILABLE, PROVIDER_RATE_LIMITED, TENANT_DATABASE_UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      case NOT_IMPLEMENTED -> GrpcStatus.UNIMPLEMENTED;
      case INTERNAL -> GrpcStatus.INTERNAL;
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
