package dev.mailgate.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link GrpcErrors} answers a failed HTTP/JSON call (AIP-193, HTTP mapping): the HTTP status
 * of the gRPC code (as {@code google/rpc/code.proto} documents it), and the same
 * {@code google.rpc.Status}, ErrorInfo reason included, as the JSON body. A retryable failure also
 * says {@code Retry-After}; an unauthenticated one names the scheme in {@code WWW-Authenticate}.
 */
final class HttpJsonErrors {

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .usingTypeRegistry(TypeRegistry.newBuilder()
          .add(ErrorInfo.getDescriptor())
          .add(BadRequest.getDescriptor())
          .add(RetryInfo.getDescriptor())
          .build())
      .omittingInsignificantWhitespace();

  private HttpJsonErrors() {}

  static void end(HttpServerResponse response, GrpcStatus code, Status status, Optional<Duration> retryDelay) {
    if (response.ended() || response.headWritten()) {
      return;
    }
    String body;
    try {
      body = PRINTER.print(status);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("google.rpc.Status has a detail outside the type registry", e);
    }
    response.setStatusCode(httpStatus(code)).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    retryDelay.ifPresent(delay -> response.putHeader(HttpHeaders.RETRY_AFTER,
        Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000))));
    if (code == GrpcStatus.UNAUTHENTICATED) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(body);
  }

  /** The HTTP status for a gRPC code. */
  static int httpStatus(GrpcStatus code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }
}
