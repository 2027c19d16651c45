package dev.mailgate.server.api;

import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.auth.CallerResolver;
import dev.mailgate.server.auth.Metadata;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.grpc.HttpJsonCalls;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.mailgate.server.limits.CallLimits;
import dev.mailgate.server.limits.TenantLimiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.ServiceBuilder;
import dev.mailgate.server.error.FieldViolation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Binds RPC implementations to the gRPC server. Every call, unary or server-streaming, goes
 * through here: the request id is settled, the caller is resolved (failing closed) before any
 * implementation runs, the tenant's limits are applied ({@link CallLimits}: its rate, then its
 * user's rate when the request names a {@code user_id}, then its cap on calls in flight), failures
 * go through {@link GrpcErrors}, and one access-log line is written per call when it ends
 * ({@link AccessLog} says which) and the {@link CallObserver} hears it. A unary call holds its in-flight slot until its work ends; a
 * stream holds it until the stream ends, however it ends (see {@link ResponseStream}). Health and
 * reflection are not bound here: they are neither authenticated nor limited.
 */
public final class RpcBinder {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Requests larger than this are refused unless a method allows more (sends with attachments). */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  /** The methods bound with a limit other than the default: full method name to bytes. */
  private final Map<String, Integer> requestLimits = new ConcurrentHashMap<>();

  /** A unary RPC implementation, called only for an authenticated caller. */
  @FunctionalInterface
  public interface UnaryRpc<Req, Resp> {
    Future<Resp> call(Caller caller, Req request);
  }

  /**
   * A server-streaming RPC implementation, called only for an authenticated caller that passed the
   * limits. It writes to {@code stream} (waiting for each write's future: back-pressure); the
   * stream ends OK when the returned future succeeds, with the mapped status when it fails.
   */
  @FunctionalInterface
  public interface StreamingRpc<Req, Resp> {
    Future<Void> call(Caller caller, Req request, ResponseStream<Resp> stream);
  }

  private final CallerResolver callers;
  private final CallLimits limits;
  private final AccessLog accessLog;
  private final CallObserver observer;

  public RpcBinder(CallerResolver callers, CallLimits limits, AccessLog accessLog, CallObserver observer) {
    this.callers = callers;
    this.limits = limits;
    this.accessLog = accessLog;
    this.observer = observer;
  }

  /** The methods bound with a request limit other than {@link #DEFAULT_MAX_REQUEST_BYTES}, by full method name. */
  public Map<String, Integer> requestLimits() {
    return Map.copyOf(requestLimits);
  }

  /** Starts a service; {@link Binding#build()} refuses to build one that leaves a method unbound. */
  public Binding service(ServiceName name, Descriptors.ServiceDescriptor descriptor) {
    return new Binding(name, descriptor);
  }

  /** The methods of one service being bound. */
  public final class Binding {
    private final Descriptors.ServiceDescriptor descriptor;
    private final ServiceBuilder builder;
    private final Set<String> bound = new HashSet<>();

    private Binding(ServiceName name, Descriptors.ServiceDescriptor descriptor) {
      this.descriptor = descriptor;
      this.builder = Service.service(name, descriptor);
    }

    /** Binds a unary method whose requests may be up to {@link #DEFAULT_MAX_REQUEST_BYTES}. */
    public <Req, Resp> Binding unary(ServiceMethod<Req, Resp> method, UnaryRpc<Req, Resp> rpc) {
      return unary(method, DEFAULT_MAX_REQUEST_BYTES, rpc);
    }

    /**
     * Binds a unary method whose requests may be up to {@code maxRequestBytes}; the limit is
     * enforced before decoding by the server the request is routed to (see {@link #requestLimits()}).
     */
    public <Req, Resp> Binding unary(ServiceMethod<Req, Resp> method, int maxRequestBytes, UnaryRpc<Req, Resp> rpc) {
      bound.add(method.methodName());
      if (maxRequestBytes != DEFAULT_MAX_REQUEST_BYTES) {
        requestLimits.put(method.fullMethodName(), maxRequestBytes);
      }
      Descriptors.FieldDescriptor userId = userIdField(descriptor.findMethodByName(method.methodName()));
      builder.bind(method, request -> handleUnary(method, request, maxRequestBytes, userId, rpc));
      return this;
    }

    /**
     * Binds a server-streaming method (requests up to {@link #DEFAULT_MAX_REQUEST_BYTES}): the
     * same caller check, limits, error mapping and access log as a unary call, with the in-flight
     * slot held until the stream ends.
     */
    public <Req, Resp> Binding serverStreaming(ServiceMethod<Req, Resp> method, StreamingRpc<Req, Resp> rpc) {
      Descriptors.MethodDescriptor described = descriptor.findMethodByName(method.methodName());
      if (described == null || !described.isServerStreaming() || described.isClientStreaming()) {
        throw new IllegalArgumentException(method.fullMethodName() + " is not a server-streaming method");
      }
      bound.add(method.methodName());
      Descriptors.FieldDescriptor userId = userIdField(described);
      builder.bind(method, request -> handleStreaming(method, request, userId, rpc));
      return this;
    }

    /**
     * Binds a method of the v1 contract that a later version fills in, unary or server-streaming,
     * through the same path as the others: authenticated callers within their limits get
     * UNIMPLEMENTED with reason NOT_IMPLEMENTED and a message saying what is missing.
     */
    public <Req, Resp> Binding notYet(ServiceMethod<Req, Resp> method, String missing) {
      Descriptors.MethodDescriptor described = descriptor.findMethodByName(method.methodName());
      Future<Void> notImplemented = Future.failedFuture(new GatewayException(Reason.NOT_IMPLEMENTED,
          method.methodName() + " is not implemented yet: " + missing));
      return described != null && described.isServerStreaming()
          ? serverStreaming(method, (caller, request, stream) -> notImplemented)
          : unary(method, (caller, request) -> notImplemented.mapEmpty());
    }

    public Service build() {
      for (Descriptors.MethodDescriptor method : descriptor.getMethods()) {
        if (!bound.contains(method.getName())) {
          throw new IllegalStateException("unbound rpc " + method.getFullName());
        }
      }
      return builder.build();
    }
  }

  /** The request's {@code user_id} field, if its message has a string one (per-user limits key on it). */
  private static Descriptors.FieldDescriptor userIdField(Descriptors.MethodDescriptor method) {
    Descriptors.FieldDescriptor field = method == null ? null : method.getInputType().findFieldByName("user_id");
    return field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING
        && !field.isRepeated() ? field : null;
  }

  private <Req, Resp> void handleUnary(ServiceMethod<Req, Resp> method, GrpcServerRequest<Req, Resp> request,
      int maxRequestBytes, Descriptors.FieldDescriptor userIdField, UnaryRpc<Req, Resp> rpc) {
    RpcCall call = begin(method, request);
    call.refuseOversized(request, call.httpJson() ? Math.min(maxRequestBytes, HttpJsonCalls.MAX_REQUEST_BYTES) : maxRequestBytes);
    admit(call, request, userIdField)
        .compose(admitted -> {
          try {
            Future<Resp> result = rpc.call(admitted.caller(), admitted.message());
            result.onComplete(done -> admitted.release());
            return result;
          } catch (RuntimeException e) {
            admitted.release();
            return Future.failedFuture(e);
          }
        })
        .onComplete(ar -> {
          if (call.answered) {
            return;
          }
          if (ar.succeeded()) {
            call.answered = true;
            request.response().end(ar.result());
            call.log(GrpcStatus.OK);
          } else {
            call.fail(request, ar.cause());
          }
        });
  }

  private <Req, Resp> void handleStreaming(ServiceMethod<Req, Resp> method, GrpcServerRequest<Req, Resp> request,
      Descriptors.FieldDescriptor userIdField, StreamingRpc<Req, Resp> rpc) {
    RpcCall call = begin(method, request);
    call.refuseOversized(request, DEFAULT_MAX_REQUEST_BYTES);
    Context context = Vertx.currentContext();
    ResponseStream<Resp> stream = new ResponseStream<>(request.response(), context);
    StreamEnd end = new StreamEnd(call, stream);
    // However the client ends it first: a cancel or reset, its deadline, or its connection closing.
    request.errorHandler(error -> end.abandoned(error.status));
    request.exceptionHandler(error -> end.abandoned(GrpcStatus.CANCELLED));
    request.response().exceptionHandler(error -> end.abandoned(GrpcStatus.CANCELLED));
    if (request.deadline() != null) {
      request.deadline().onSuccess(expired -> end.abandoned(GrpcStatus.DEADLINE_EXCEEDED));
    }
    admit(call, request, userIdField).onComplete(ar -> {
      if (ar.failed()) {
        end.failed(request, ar.cause());
        return;
      }
      Admission<Req> admitted = ar.result();
      if (!end.hold(admitted)) {
        return; // the client ended the stream while it waited for its limits
      }
      Future<Void> result;
      try {
        result = rpc.call(admitted.caller(), admitted.message(), stream);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(done -> {
        if (done.succeeded()) {
          end.finished(request);
        } else {
          end.failed(request, done.cause());
        }
      });
    });
  }

  /**
   * Resolves the caller (failing closed before anything else runs), takes the tenant's rate, reads
   * the one request message, holds an agent token to what it allows ({@link AgentRestrictions}) and
   * a dashboard key to the report methods ({@link DashboardRestrictions}), then takes its user's
   * rate and an in-flight slot.
   */
  private <Req> Future<Admission<Req>> admit(RpcCall call, GrpcServerRequest<Req, ?> request,
      Descriptors.FieldDescriptor userIdField) {
    Future<Req> last = onlyMessage(request);
    return callers.resolve(request.headers(), call.requestId).compose(caller -> {
      call.tenantId = caller.tenant().id();
      call.observation.identified(caller);
      TenantLimiter limiter = limits.of(caller.tenant());
      return limiter.admit()
        .compose(admitted -> last)
        .compose(message -> {
          if (call.answered) {
            return Future.failedFuture(new IllegalStateException("already answered"));
          }
          // Observers hear of the call before the agent restrictions and per-user limits: a call
          // refused by them (another user, a missing scope) is still in the audit trail.
          call.observation.admitted(caller, message);
          caller.agent().ifPresent(grant -> AgentRestrictions.check(grant, call.rpc, message));
          if (caller.dashboard()) {
            DashboardRestrictions.check(call.rpc);
          }
          if (userIdField != null && limiter.limitsUsers() && message instanceof Message proto
              && proto.getField(userIdField) instanceof String userId && !userId.isEmpty()) {
            limiter.admitUser(userId);
          }
          Admission<Req> admission = new Admission<>(caller, message, limiter, limiter.enter());
          return Future.succeededFuture(admission);
        });
    });
  }

  /**
   * The request's one message. Vert.x 5.0's {@code last()} fails with a NullPointerException when
   * the stream ended without a complete message (no body, or a length prefix longer than the data):
   * that is bad input, answered INVALID_ARGUMENT.
   */
  private static <Req> Future<Req> onlyMessage(GrpcServerRequest<Req, ?> request) {
    return request.last().recover(error -> Future.failedFuture(error instanceof NullPointerException
        ? GatewayException.invalid(List.of(new FieldViolation("request", "is missing: a unary call carries one message")))
        : error));
  }

  private RpcCall begin(ServiceMethod<?, ?> method, GrpcServerRequest<?, ?> request) {
    String given = request.headers().get(Metadata.REQUEST_ID);
    String requestId = given != null && REQUEST_ID.matcher(given).matches() ? given : newRequestId();
    request.response().headers().set(Metadata.REQUEST_ID, requestId);
    // The transcoder sends no response headers of its own: an HTTP/JSON call gets its id here, and
    // no cache (a browser's or a proxy's) keeps an answer, which holds a tenant's data.
    HttpServerResponse httpJson = HttpJsonCalls.current(request.headers()).orElse(null);
    if (httpJson != null && !httpJson.headWritten()) {
      httpJson.putHeader(Metadata.REQUEST_ID, requestId).putHeader("cache-control", "no-store");
    }
    long start = System.nanoTime();
    CallObserver.Observation observation = observer.begin(new CallObserver.CallStart(method.fullMethodName(), requestId,
        request.headers(), httpJson != null, start));
    return new RpcCall(method.fullMethodName(), requestId, start, accessLog, httpJson, observation);
  }

  /**
   * A random (version 4) UUID. Request ids name calls in logs and answers; they guard nothing, so
   * they come from the fast per-thread generator rather than SecureRandom.
   */
  private static String newRequestId() {
    var random = java.util.concurrent.ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
