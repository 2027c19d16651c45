package dev.mailgate.server.api;

import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.auth.CallerResolver;
import dev.mailgate.server.auth.Metadata;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.mailgate.server.limits.CallLimits;
import dev.mailgate.server.limits.TenantLimiter;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds RPC implementations to the gRPC server. Every call goes through here: the request id is
 * settled, the caller is resolved (failing closed) before any implementation runs, the tenant's
 * limits are applied ({@link CallLimits}: its rate, then its user's rate when the request names a
 * {@code user_id}, then its cap on calls in flight), failures go through {@link GrpcErrors}, and one
 * access-log line is written per call ({@link AccessLog} says which). Health and reflection are not
 * bound here: they are neither authenticated nor limited.
 */
public final class RpcBinder {

  private static final Logger log = LoggerFactory.getLogger("mailgate.access");
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

  private final CallerResolver callers;
  private final CallLimits limits;
  private final AccessLog accessLog;

  public RpcBinder(CallerResolver callers, CallLimits limits, AccessLog accessLog) {
    this.callers = callers;
    this.limits = limits;
    this.accessLog = accessLog;
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
     * Binds a method of the v1 contract that a later version fills in: authenticated callers get
     * UNIMPLEMENTED with reason NOT_IMPLEMENTED and a message saying what is missing.
     */
    public <Req, Resp> Binding notYet(ServiceMethod<Req, Resp> method, String missing) {
      bound.add(method.methodName());
      builder.bind(method, request -> {
        Call call = begin(method, request);
        call.refuseOversized(request, DEFAULT_MAX_REQUEST_BYTES);
        try {
          Caller caller = callers.resolve(request.headers(), call.requestId);
          call.tenantId = caller.tenant().id();
          limits.of(caller.tenant()).admit().onComplete(admitted -> call.fail(request, admitted.succeeded()
              ? new GatewayException(Reason.NOT_IMPLEMENTED, method.methodName() + " is not implemented yet: " + missing)
              : admitted.cause()));
        } catch (RuntimeException e) {
          call.fail(request, e);
        }
      });
      return this;
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
    Call call = begin(method, request);
    call.refuseOversized(request, maxRequestBytes);
    Caller caller;
    try {
      caller = callers.resolve(request.headers(), call.requestId);
    } catch (RuntimeException e) {
      call.fail(request, e);
      return;
    }
    call.tenantId = caller.tenant().id();
    TenantLimiter limiter = limits.of(caller.tenant());
    Future<Req> last = onlyMessage(request);
    limiter.admit()
        .compose(admitted -> last)
        .compose(message -> {
          if (call.answered) {
            return Future.<Resp>failedFuture(new IllegalStateException("already answered"));
          }
          boolean entered = false;
          try {
            if (userIdField != null && limiter.limitsUsers() && message instanceof Message proto
                && proto.getField(userIdField) instanceof String userId && !userId.isEmpty()) {
              limiter.admitUser(userId);
            }
            entered = limiter.enter();
            Future<Resp> result = rpc.call(caller, message);
            if (entered) {
              result.onComplete(done -> limiter.exit());
            }
            return result;
          } catch (RuntimeException e) {
            if (entered) {
              limiter.exit();
            }
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

  private Call begin(ServiceMethod<?, ?> method, GrpcServerRequest<?, ?> request) {
    String given = request.headers().get(Metadata.REQUEST_ID);
    String requestId = given != null && REQUEST_ID.matcher(given).matches() ? given : newRequestId();
    request.response().headers().set(Metadata.REQUEST_ID, requestId);
    return new Call(method.fullMethodName(), requestId, System.nanoTime());
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

  /** One call in flight, for the access log. */
  private final class Call {
    final String rpc;
    final String requestId;
    final long start;
    String tenantId = "-";

    Call(String rpc, String requestId, long start) {
      this.rpc = rpc;
      this.requestId = requestId;
      this.start = start;
    }

    /** Set once the call has its answer, so that nothing answers it twice. */
    boolean answered;

    void fail(GrpcServerRequest<?, ?> request, Throwable error) {
      if (answered) {
        return;
      }
      answered = true;
      request.response().trailers().set(Metadata.REQUEST_ID, requestId);
      GrpcErrors.Sent sent = GrpcErrors.fail(request.response(), error, requestId, tenantId);
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

    /** The access-log line; a failed call's ends with {@code reason=<ErrorInfo reason>}. */
    void log(GrpcStatus status, String reason) {
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
}
