package dev.mailgate.server.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * The messages of one server-streaming call, as its implementation writes them.
 *
 * <p>Back-pressure: {@link #write} returns a future that completes when the next message may be
 * written: at once while the HTTP/2 stream's write queue has room, and only once it has drained
 * when it is full (the client reads slowly, or its flow-control window is spent). The
 * implementation must wait for that future before it writes again; a write made while the
 * previous one still waits fails with IllegalStateException. So a slow consumer makes the
 * producer wait instead of making the gateway buffer: per stream, at most the write queue plus
 * one message is held in memory.
 *
 * <p>The stream ends when the implementation's future completes (OK, or its failure mapped by
 * {@link GrpcErrors}), or earlier when the client cancels or resets it, its deadline passes or its
 * connection closes: then {@link #closed()} completes, and writes fail. An implementation that
 * watches something (a provider's change feed) stops when {@link #closed()} completes.
 *
 * <p>Writes may come from any thread: they run on the call's context, as everything else about
 * the call does.
 */
public final class ResponseStream<T> {

  private final GrpcServerResponse<?, T> response;
  private final Context context;
  private final Promise<Void> closed = Promise.promise();
  private Promise<Void> waitingForDrain;

  ResponseStream(GrpcServerResponse<?, T> response, Context context) {
    this.response = response;
    this.context = context;
    response.drainHandler(drained -> {
      Promise<Void> waiting = waitingForDrain;
      waitingForDrain = null;
      if (waiting != null) {
        waiting.tryComplete();
      }
    });
  }

  /**
   * Writes one message; the future completes when the next one may be written, and fails if the
   * stream has ended (then nothing more can be written).
   */
  public Future<Void> write(T message) {
    if (Vertx.currentContext() != context) {
      Promise<Void> written = Promise.promise();
      context.runOnContext(v -> write(message).onComplete(written));
      return written.future();
    }
    if (closed.future().isComplete()) {
      return Future.failedFuture(new IllegalStateException("the stream has ended"));
    }
    if (waitingForDrain != null) {
      return Future.failedFuture(new IllegalStateException(
          "a message was written before the previous write's future completed (it waits for the client to read)"));
    }
    response.write(message);
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    waitingForDrain = Promise.promise();
    return waitingForDrain.future();
  }

  /** Completes when the stream has ended, however it ended. */
  public Future<Void> closed() {
    return closed.future();
  }

  /** Called (on the call's context) once the stream has ended: a write waiting for the client fails. */
  void close() {
    closed.tryComplete();
    Promise<Void> waiting = waitingForDrain;
    waitingForDrain = null;
    if (waiting != null) {
      waiting.tryFail(new IllegalStateException("the stream has ended"));
    }
  }
}
