package dev.mailgate.loadgen;

import dev.mailgate.proto.v1.ConnectionServiceGrpcClient;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

/**
 * {@code ConnectionService/ListConnections} through the gateway, with the Vert.x gRPC client (the
 * generated {@link ConnectionServiceGrpcClient} method descriptor, on the low-level request so the
 * tenant and key metadata can be set). Each call's status is the gRPC status the gateway sent in
 * its trailers; a call that never reached the gateway counts as UNAVAILABLE, and one that ran out
 * of time as DEADLINE_EXCEEDED, as grpc-java would report them.
 */
public final class GatewayTarget implements LoadTarget {

  private final GrpcClient client;
  private final SocketAddress address;
  private final String tenant;
  private final String authorization;
  private final ListConnectionsRequest request;
  private final long timeoutMillis;

  public GatewayTarget(Vertx vertx, String host, int port, String tenant, String apiKey, String userId,
      long timeoutMillis) {
    this.client = GrpcClient.client(vertx,
        new GrpcClientOptions().setScheduleDeadlineAutomatically(true),
        new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.tenant = tenant;
    this.authorization = "Bearer " + apiKey;
    this.request = ListConnectionsRequest.newBuilder().setUserId(userId).build();
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public Future<String> call() {
    return client.request(address, ConnectionServiceGrpcClient.ListConnections)
        .compose(call -> {
          call.headers().set("x-tenant-id", tenant).set("authorization", authorization);
          call.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
          return call.send(request);
        })
        .compose(GatewayTarget::statusOf, failure -> Future.succeededFuture(statusOf(failure)));
  }

  /** Reads the whole response; the status is known once the trailers are in. */
  private static Future<String> statusOf(GrpcClientResponse<ListConnectionsRequest, ?> response) {
    response.handler(message -> { });
    return response.end().transform(ar -> {
      GrpcStatus status = response.status();
      if (status != null) {
        return Future.succeededFuture(status.name());
      }
      return Future.succeededFuture(ar.failed() ? statusOf(ar.cause()) : GrpcStatus.UNKNOWN.name());
    });
  }

  private static String statusOf(Throwable failure) {
    if (failure instanceof InvalidStatusException invalid) {
      return invalid.actualStatus().name();
    }
    if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
      return GrpcStatus.UNAVAILABLE.name();
    }
    if (failure instanceof StreamResetException || failure instanceof java.util.concurrent.TimeoutException
        || String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
      return GrpcStatus.DEADLINE_EXCEEDED.name();
    }
    return GrpcStatus.UNAVAILABLE.name();
  }

  @Override
  public void close() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
  }
}
