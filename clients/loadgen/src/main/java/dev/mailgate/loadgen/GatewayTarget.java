package dev.mailgate.loadgen;

import dev.mailgate.proto.v1.ConnectionServiceGrpcClient;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.MailServiceGrpcClient;
import dev.mailgate.proto.v1.SearchMessagesRequest;
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
import io.vertx.grpc.common.ServiceMethod;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

/**
 * One unary gRPC method of a Mailgate API server (the gateway, or the grpc-java baseline) called
 * with the Vert.x gRPC client, on the low-level request so the tenant and key metadata can be set;
 * with several tenants each call takes the next one round-robin. Each call's status is the gRPC
 * status from the trailers; a call that never reached the server counts as UNAVAILABLE, and one
 * that ran out of time as DEADLINE_EXCEEDED, as grpc-java would report them.
 */
public final class GatewayTarget implements LoadTarget {

  /** A method and the one request every call sends. */
  public record Rpc<Req, Resp>(ServiceMethod<Resp, Req> method, Req request) {}

  private final String name;
  private final GrpcClient client;
  private final SocketAddress address;
  private final Tenants tenants;
  private final Rpc<?, ?> rpc;
  private final long timeoutMillis;

  public GatewayTarget(String name, Vertx vertx, String host, int port, Tenants tenants, Rpc<?, ?> rpc,
      long timeoutMillis) {
    this.name = name;
    this.client = GrpcClient.client(vertx,
        new GrpcClientOptions().setScheduleDeadlineAutomatically(true),
        new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.tenants = tenants;
    this.rpc = rpc;
    this.timeoutMillis = timeoutMillis;
  }

  /** ListConnections of one user on the gateway, one tenant. */
  public GatewayTarget(Vertx vertx, String host, int port, String tenant, String apiKey, String userId,
      long timeoutMillis) {
    this("gateway", vertx, host, port, Tenants.single(tenant, apiKey), listConnections(userId), timeoutMillis);
  }

  /** {@code ConnectionService/ListConnections} of the user, first page at the default size. */
  public static Rpc<ListConnectionsRequest, ?> listConnections(String userId) {
    return new Rpc<>(ConnectionServiceGrpcClient.ListConnections,
        ListConnectionsRequest.newBuilder().setUserId(userId).build());
  }

  /** {@code MailService/SearchMessages} in one connection of the user, first page. */
  public static Rpc<SearchMessagesRequest, ?> searchMessages(String userId, String connectionId, String query,
      int pageSize) {
    return new Rpc<>(MailServiceGrpcClient.SearchMessages, SearchMessagesRequest.newBuilder()
        .setUserId(userId).setConnectionId(connectionId).setQuery(query).setPageSize(pageSize).build());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<String> call() {
    return send(rpc, tenants.next());
  }

  private <Req, Resp> Future<String> send(Rpc<Req, Resp> rpc, Tenants.Credentials credentials) {
    return client.request(address, rpc.method())
        .compose(call -> {
          call.headers().set("x-tenant-id", credentials.tenantId()).set("authorization", credentials.authorization());
          call.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
          return call.send(rpc.request());
        })
        .compose(GatewayTarget::statusOf, failure -> Future.succeededFuture(statusOf(failure)));
  }

  /** Reads the whole response; the status is known once the trailers are in. */
  private static Future<String> statusOf(GrpcClientResponse<?, ?> response) {
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
