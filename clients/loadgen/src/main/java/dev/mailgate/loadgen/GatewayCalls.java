package dev.mailgate.loadgen;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/** One-off unary calls to the gateway (set-up, not load): the answer, or a failure naming the status. */
final class GatewayCalls {

  private GatewayCalls() {}

  static <Req, Resp> Future<Resp> unary(GrpcClient client, SocketAddress address, Tenants.Credentials credentials,
      ServiceMethod<Resp, Req> method, Req request) {
    return client.request(address, method).compose(call -> {
      call.headers().set("x-tenant-id", credentials.tenantId()).set("authorization", credentials.authorization());
      call.timeout(30, TimeUnit.SECONDS);
      return call.send(request);
    }).compose(response -> {
      Object[] answer = new Object[1];
      response.handler(message -> answer[0] = message);
      return response.end().transform(ended -> {
        GrpcStatus status = response.status();
        if (status == GrpcStatus.OK && answer[0] != null) {
          @SuppressWarnings("unchecked")
          Resp resp = (Resp) answer[0];
          return Future.succeededFuture(resp);
        }
        return Future.failedFuture(new IllegalStateException(method.methodName() + " answered "
            + (status == null ? "no status" : status.name())
            + (response.statusMessage() == null ? "" : ": " + response.statusMessage())));
      });
    });
  }
}
