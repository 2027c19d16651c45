package dev.mailgate.server.api;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * How a stream ends, exactly once: it gives back its in-flight slot, closes its writer and
 * writes the call's access-log line, whether the implementation finished or failed or the
 * client ended the stream first.
 */
final class StreamEnd {
  private final RpcCall call;
  private final ResponseStream<?> stream;
  private Admission<?> held;

  StreamEnd(RpcCall call, ResponseStream<?> stream) {
    this.call = call;
    this.stream = stream;
  }

  /** The stream runs with the admitted call's slot; false (the slot given back) if it has ended already. */
  boolean hold(Admission<?> admitted) {
    if (call.answered) {
      admitted.release();
      return false;
    }
    held = admitted;
    return true;
  }

  /** The implementation finished: the stream ends OK. */
  void finished(GrpcServerRequest<?, ?> request) {
    if (call.answered) {
      return;
    }
    call.answered = true;
    request.response().end();
    call.log(GrpcStatus.OK);
    release();
  }

  /** The call was refused or the implementation failed: the stream ends with the mapped status. */
  void failed(GrpcServerRequest<?, ?> request, Throwable error) {
    if (call.answered) {
      return;
    }
    call.fail(request, error);
    release();
  }

  /** The client ended the stream (cancel, reset, deadline, closed connection): nothing more is sent. */
  void abandoned(GrpcStatus status) {
    if (call.answered) {
      return;
    }
    call.answered = true;
    call.log(status);
    release();
  }

  private void release() {
    stream.close();
    if (held != null) {
      held.release();
      held = null;
    }
  }
}
