package dev.mailgate.server.api;

import dev.mailgate.server.auth.Caller;
import io.vertx.core.MultiMap;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;

/**
 * Hears about every call {@link RpcBinder} binds, unary or streaming, over gRPC, gRPC-Web or
 * HTTP/JSON: metrics, traces and the audit trail observe calls here instead of in each RPC. Its
 * methods run on the call's event loop and must not block.
 */
public interface CallObserver {

  /** Observes nothing. */
  CallObserver NONE = call -> (status, reason) -> { };

  /** A call began; the returned observation hears how it goes. */
  Observation begin(CallStart call);

  /**
   * A call as it begins.
   *
   * @param rpc the full method name, {@code mailgate.v1.MailService/SendMessage}
   * @param requestId the call's request id (the caller's, or a new one)
   * @param headers the request's metadata (never to be logged or stored whole: it holds the API key)
   * @param httpJson whether the call came as HTTP/JSON (transcoded)
   * @param startNanos {@link System#nanoTime()} when it began
   */
  record CallStart(String rpc, String requestId, MultiMap headers, boolean httpJson, long startNanos) {
  }

  /** One call's observation. */
  interface Observation {

    /** The caller was resolved (authenticated), before its limits were applied. */
    default void identified(Caller caller) {
    }

    /**
     * The caller was resolved and admitted by its tenant's rate, and the request message was read;
     * heard before an agent token's restrictions and the per-user limits are applied, so a call
     * they refuse is heard here and then ends with that refusal.
     */
    default void admitted(Caller caller, Object request) {
    }

    /** The call ended, exactly once: its status and, unless it ended OK, the ErrorInfo reason (or null). */
    void ended(GrpcStatus status, String reason);
  }

  /** Every one of {@code observers}, in order. */
  static CallObserver all(List<CallObserver> observers) {
    if (observers.isEmpty()) {
      return NONE;
    }
    if (observers.size() == 1) {
      return observers.get(0);
    }
    return call -> {
      List<Observation> each = observers.stream().map(observer -> observer.begin(call)).toList();
      return new Observation() {
        @Override
        public void identified(Caller caller) {
          each.forEach(one -> one.identified(caller));
        }

        @Override
        public void admitted(Caller caller, Object request) {
          each.forEach(one -> one.admitted(caller, request));
        }

        @Override
        public void ended(GrpcStatus status, String reason) {
          each.forEach(one -> one.ended(status, reason));
        }
      };
    };
  }
}
