package dev.mailgate.server.api.mcp;

import io.vertx.grpc.common.GrpcStatus;

/** A gRPC call of the loopback that ended with another status than OK: its code, ErrorInfo reason and message. */
final class RpcFailure extends RuntimeException {

  private final GrpcStatus status;
  private final String reason;

  RpcFailure(GrpcStatus status, String reason, String message) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
  }

  GrpcStatus status() {
    return status;
  }

  /** The ErrorInfo reason, or the status name when the answer carried none. */
  String reason() {
    return reason;
  }
}
