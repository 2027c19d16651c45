package dev.mailgate.server.api;

import dev.mailgate.server.auth.Metadata;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call in flight, as {@link RpcBinder} tracks it: its request id, its tenant once known, and
 * whether it has its answer; it writes the call's one access-log line when it ends.
 */
final class RpcCall {

  private static final Logger log = LoggerFactory.getLogger("mailgate.access");

  final String rpc;
  final String requestId;
  private final long start;
  private final AccessLog accessLog;
  /** The HTTP response of an HTTP/JSON call (failures are answered on it as JSON); null for gRPC. */
  private final HttpServerResponse httpJson;
  /** Metrics, traces and audit: told when the caller is admitted and when the call ends. */
  final CallObserver.Observation observation;
  String tenantId = "-";

  /** Set once the call has its answer (or has ended without one), so that nothing answers it twice. */
  boolean answered;

  RpcCall(String rpc, String requestId, long start, AccessLog accessLog, HttpServerResponse httpJson,
      CallObserver.Observation observation) {
    this.rpc = rpc;
    this.requestId = requestId;
    this.start = start;
    this.accessLog = accessLog;
    this.httpJson = httpJson;
    this.observation = observation;
  }

  /** Whether this is an HTTP/JSON call. */
  boolean httpJson() {
    return httpJson != null;
  }

  /** Ends the call with the status {@link GrpcErrors} maps {@code error} to, unless it has ended already. */
  void fail(GrpcServerRequest<?, ?> request, Throwable error) {
    if (answered) {
      return;
    }
    answered = true;
    request.response().trailers().set(Metadata.REQUEST_ID, requestId);
    GrpcErrors.Sent sent = GrpcErrors.fail(request.response(), httpJson, error, requestId, tenantId);
    log(sent.status(), sent.reason().name());
  }

  /**
   * A request message over the limit of the server it was routed to is skipped as it arrives,
   * never buffered whole or decoded; the call ends with INVALID_ARGUMENT naming the field
   * {@code request}, as the gateway's other refusals of bad input do.
   */
  void refuseOversized(GrpcServerRequest<?, ?> request, int limit) {
    request.invalidMessageHandler(invalid -> fail(request, GatewayException.invalid(List.of(
        new FieldViolation("request", invalid instanceof MessageSizeOverflowException
            ? "is larger than the " + limit + " bytes this method accepts" : "is not a valid message")))));
  }

  void log(GrpcStatus status) {
    log(status, null);
  }

  /**
   * The call has ended: its observers hear it, and the access-log line is written (a failed
   * call's ends with {@code reason=<ErrorInfo reason>}).
   */
  void log(GrpcStatus status, String reason) {
    observation.ended(status, reason);
    if (!accessLog.logs(status)) {
      return;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (reason == null) {
      log.info("rpc={} tenant={} request_id={} status={} duration_ms={}", rpc, tenantId, requestId, status.name(), millis);
    } else {
      log.info("rpc={} tenant={} request_id={} status={} duration_ms={} reason={}",
          rpc, tenantId, requestId, status.name(), millis, reason);
    }
  }
}
