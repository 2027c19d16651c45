package dev.mailgate.server.api;

import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.auth.CallerResolver;
import dev.mailgate.server.auth.Metadata;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import com.google.protobuf.Descriptors;
import com.google.protobuf.MessageLite;
import dev.mailgate.server.error.FieldViolation;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.ServiceBuilder;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds RPC implementations to the gRPC server. Every call goes through here: the request id is
 * settled, the caller is resolved (failing closed) before any implementation runs, failures go
 * through {@link GrpcErrors}, and one access-log line is written per call ({@link AccessLog} says which).
 */
public final class RpcBinder {

  private static final Logger log = LoggerFactory.getLogger("mailgate.access");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Requests larger than this are refused unless a method allows more (sends with attachments). */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  /** A unary RPC implementation, called only for an authenticated caller. */
  @FunctionalInterface
  public interface UnaryRpc<Req, Resp> {
    Future<Resp> call(Caller caller, Req request);
  }

  private final CallerResolver callers;
  private final AccessLog accessLog;

  public RpcBinder(CallerResolver callers, AccessLog accessLog) {
    this.callers = callers;
    this.accessLog = accessLog;
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

    /** Binds a unary method whose requests may be up to {@code maxRequestBytes}. */
    public <Req, Resp> Binding unary(ServiceMethod<Req, Resp> method, int maxRequestBytes, UnaryRpc<Req, Resp> rpc) {
      bound.add(method.methodName());
      builder.bind(method, request -> handleUnary(method, request, maxRequestBytes, rpc));
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
        try {
          callers.resolve(request.headers(), call.requestId);
          call.fail(request, new GatewayException(Reason.NOT_IMPLEMENTED,
              method.methodName() + " is not implemented yet: " + missing));
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

  private <Req, Resp> void handleUnary(ServiceMethod<Req, Resp> method, GrpcServerRequest<Req, Resp> request,
      int maxRequestBytes, UnaryRpc<Req, Resp> rpc) {
    Call call = begin(method, request);
    Caller caller;
    try {
      caller = callers.resolve(request.headers(), call.requestId);
    } catch (RuntimeException e) {
      call.fail(request, e);
      return;
    }
    call.tenantId = caller.tenant().id();
    // A message Vert.x cannot take (compressed without an encoding, a bad frame) ends the call as bad input.
    request.invalidMessageHandler(invalid -> call.fail(request, GatewayException.invalid(List.of(
        new FieldViolation("request", "is not a valid message")))));
    onlyMessage(request)
        .compose(message -> {
          try {
            if (message instanceof MessageLite proto && proto.getSerializedSize() > maxRequestBytes) {
              throw GatewayException.invalid(List.of(new FieldViolation("request",
                  "is larger than the " + maxRequestBytes + " bytes this method accepts")));
            }
            return rpc.call(caller, message);
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
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

    void fail(GrpcServerRequest<?, ?> request, Throwable error) {
      request.response().trailers().set(Metadata.REQUEST_ID, requestId);
      log(GrpcErrors.fail(request.response(), error, requestId));
    }

    void log(GrpcStatus status) {
      if (!accessLog.logs(status)) {
        return;
      }
      log.info("rpc={} tenant={} request_id={} status={} duration_ms={}",
          rpc, tenantId, requestId, status.name(), (System.nanoTime() - start) / 1_000_000);
    }
  }
}
