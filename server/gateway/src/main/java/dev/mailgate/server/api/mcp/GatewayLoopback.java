package dev.mailgate.server.api.mcp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.mailgate.server.auth.Metadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's own gRPC API, called over loopback with the agent token as the only credential, so
 * that a tool call gets exactly what a gRPC call gets: the same caller resolution, agent
 * restrictions, ownership checks, limits, access log and error details.
 */
final class GatewayLoopback {

  /** The longest a tool's call may take; a send waits for the provider, so this is generous. */
  static final long TIMEOUT_SECONDS = 120;

  private final GrpcClient client;
  private final SocketAddress address;

  private GatewayLoopback(GrpcClient client, SocketAddress address) {
    this.client = client;
    this.address = address;
  }

  /** A client of the gateway listening on {@code host:port} (a wildcard host is reached on 127.0.0.1). */
  static GatewayLoopback to(Vertx vertx, String host, int port, boolean tls) {
    String target = host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    HttpClientOptions http = new HttpClientOptions().setHttp2ClearTextUpgrade(false);
    if (tls) {
      // Its own certificate on its own address: the name checked by callers is not the loopback's.
      http.setSsl(true).setUseAlpn(true).setTrustAll(true).setVerifyHost(false);
    }
    GrpcClient client = GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true), http);
    return new GatewayLoopback(client, SocketAddress.inetSocketAddress(port, target));
  }

  /** Calls one unary method as the holder of {@code agentToken}; a status other than OK fails with {@link RpcFailure}. */
  <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request, String agentToken, String requestId) {
    return client.request(address, method)
        .compose(call -> {
          call.headers().set(Metadata.AUTHORIZATION, "Bearer " + agentToken).set(Metadata.REQUEST_ID, requestId);
          call.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return call.send(request);
        })
        .compose(GatewayLoopback::read, failure -> Future.failedFuture(
            new RpcFailure(GrpcStatus.UNAVAILABLE, "GATEWAY_UNREACHABLE", "the gateway could not be called")));
  }

  private static <Resp> Future<Resp> read(GrpcClientResponse<?, Resp> response) {
    AtomicReference<Resp> last = new AtomicReference<>();
    io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
    response.handler(last::set);
    // An answer that cannot be decoded must end the tool call, not leave it waiting.
    response.exceptionHandler(failure -> ended.tryFail(failure));
    response.end().onComplete(ended::tryComplete, ended::tryFail);
    return ended.future().transform(done -> {
      GrpcStatus status = response.status();
      if (status == GrpcStatus.OK && last.get() != null) {
        return Future.succeededFuture(last.get());
      }
      String details = response.trailers().get("grpc-status-details-bin");
      if (details == null) {
        details = response.headers().get("grpc-status-details-bin");
      }
      GrpcStatus code = status == null ? GrpcStatus.UNAVAILABLE : status;
      String message = response.statusMessage() == null ? code.name() : response.statusMessage();
      return Future.failedFuture(new RpcFailure(code, reasonOf(details).orElse(code.name()), message));
    });
  }

  private static java.util.Optional<String> reasonOf(String details) {
    if (details == null) {
      return java.util.Optional.empty();
    }
    try {
      Status status = Status.parseFrom(Base64.getDecoder().decode(details));
      for (Any detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          return java.util.Optional.of(detail.unpack(ErrorInfo.class).getReason());
        }
      }
    } catch (InvalidProtocolBufferException | IllegalArgumentException unreadable) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }

  Future<Void> close() {
    return client.close();
  }
}
