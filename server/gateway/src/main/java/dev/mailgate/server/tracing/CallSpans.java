package dev.mailgate.server.tracing;

import dev.mailgate.server.api.CallObserver;
import dev.mailgate.server.auth.Caller;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;
import io.vertx.core.internal.ContextInternal;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.Set;

/**
 * A SERVER span per call, gRPC, gRPC-Web or HTTP/JSON, after the OpenTelemetry RPC semantic
 * conventions: named by the full method ({@code mailgate.v1.UserService/ListUsers}), with
 * {@code rpc.system}, {@code rpc.service}, {@code rpc.method} and {@code rpc.grpc.status_code},
 * the tenant, the request id and, for a failed call, its ErrorInfo reason. A caller's W3C
 * {@code traceparent} makes it that span's child. While the call runs its span is the active one
 * on the call's Vert.x context, so the database queries it makes ({@link QueryTracer}) and its
 * provider operations ({@link ProviderCalls}) become its children. Nothing from the request's
 * headers or messages other than {@code traceparent}/{@code tracestate} is read.
 */
final class CallSpans implements CallObserver {

  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> TENANT = AttributeKey.stringKey("mailgate.tenant.id");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mailgate.request.id");
  static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("mailgate.protocol");
  static final AttributeKey<String> ERROR_REASON = AttributeKey.stringKey("mailgate.error.reason");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The codes that mark a server span as failed (the RPC conventions: the server's own faults). */
  private static final Set<GrpcStatus> SERVER_ERRORS = Set.of(GrpcStatus.UNKNOWN, GrpcStatus.DEADLINE_EXCEEDED,
      GrpcStatus.UNIMPLEMENTED, GrpcStatus.INTERNAL, GrpcStatus.UNAVAILABLE, GrpcStatus.DATA_LOSS);

  /** Reads the W3C trace headers from a call's metadata (gRPC) or HTTP headers (gRPC-Web, HTTP/JSON). */
  private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  CallSpans(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public Observation begin(CallStart call) {
    Context parent = propagator.extract(Context.root(), call.headers(), HEADERS);
    int slash = call.rpc().lastIndexOf('/');
    Span span = tracer.spanBuilder(call.rpc())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(RPC_SYSTEM, "grpc")
        .setAttribute(RPC_SERVICE, call.rpc().substring(0, Math.max(slash, 0)))
        .setAttribute(RPC_METHOD, call.rpc().substring(slash + 1))
        .setAttribute(PROTOCOL, protocol(call))
        .setAttribute(REQUEST_ID, call.requestId())
        .startSpan();
    // Vert.x runs each request on a context of its own (a duplicate of the loop's): the span is
    // active there only, never on a context that other calls share.
    ContextInternal vertxContext = ContextInternal.current();
    Scope active = vertxContext == null || !vertxContext.isDuplicate() ? Scope.noop()
        : VertxContextStorage.INSTANCE.attach(vertxContext, parent.with(span).with(ProviderCalls.TRACER, tracer));
    return new CallSpan(span, active);
  }

  private static String protocol(CallStart call) {
    if (call.httpJson()) {
      return "http_json";
    }
    String type = call.headers().get("content-type");
    return type != null && type.startsWith("application/grpc-web") ? "grpc_web" : "grpc";
  }

  /** One call's span: active on its context until the call ends. */
  private static final class CallSpan implements Observation {
    private final Span span;
    private final Scope active;

    CallSpan(Span span, Scope active) {
      this.span = span;
      this.active = active;
    }

    @Override
    public void admitted(Caller caller, Object request) {
      span.setAttribute(TENANT, caller.tenant().id());
    }

    @Override
    public void ended(GrpcStatus status, String reason) {
      try {
        span.setAttribute(RPC_GRPC_STATUS_CODE, (long) status.code);
        if (status != GrpcStatus.OK) {
          span.setAttribute(ERROR_TYPE, reason != null ? reason : status.name());
          if (reason != null) {
            span.setAttribute(ERROR_REASON, reason);
          }
        }
        if (SERVER_ERRORS.contains(status)) {
          span.setStatus(StatusCode.ERROR, status.name());
        }
        span.end();
      } finally {
        active.close();
      }
    }
  }
}
