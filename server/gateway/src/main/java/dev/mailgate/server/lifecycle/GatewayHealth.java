package dev.mailgate.server.lifecycle;

import com.google.protobuf.Descriptors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.health.handler.GrpcHealthCheckV1Handler;
import io.vertx.grpc.health.handler.GrpcHealthListV1Handler;
import io.vertx.grpc.health.handler.GrpcHealthWatchV1Handler;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.Service;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code grpc.health.v1.Health} as Vert.x serves it, except that the server ({@code ""}) and every
 * service it serves are NOT_SERVING while the gateway starts or drains (Vert.x reports the server
 * as always SERVING). Load balancers and Kubernetes' gRPC probes take a draining node out of
 * rotation on that, and a draining node ends its health watches.
 */
public final class GatewayHealth implements Service {

  private final Vertx vertx;
  private final Lifecycle lifecycle;
  private final HealthService vertxHealth;
  private final Map<String, Supplier<Future<Boolean>>> checks = new ConcurrentHashMap<>();
  private final Set<GrpcServerResponse<HealthCheckRequest, HealthCheckResponse>> watches = ConcurrentHashMap.newKeySet();

  public GatewayHealth(Vertx vertx, Lifecycle lifecycle) {
    this.vertx = vertx;
    this.lifecycle = lifecycle;
    this.vertxHealth = HealthService.create(vertx);
    checks.put(vertxHealth.name().fullyQualifiedName(), () -> Future.succeededFuture(true));
  }

  @Override
  public ServiceName name() {
    return vertxHealth.name();
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return vertxHealth.descriptor();
  }

  @Override
  public void bind(GrpcServer server) {
    server.callHandler(GrpcHealthCheckV1Handler.SERVICE_METHOD, new GrpcHealthCheckV1Handler(server, checks) {
      @Override
      protected Future<ServingStatus> checkStatus(String name) {
        return duringLifecycle(super.checkStatus(name));
      }
    });
    server.callHandler(GrpcHealthListV1Handler.SERVICE_METHOD, new GrpcHealthListV1Handler(server, checks) {
      @Override
      protected Future<ServingStatus> checkStatus(String name) {
        return duringLifecycle(super.checkStatus(name));
      }
    });
    server.callHandler(GrpcHealthWatchV1Handler.SERVICE_METHOD, new GrpcHealthWatchV1Handler(vertx, server, checks) {
      @Override
      protected Future<ServingStatus> checkStatus(String name) {
        return duringLifecycle(super.checkStatus(name));
      }

      @Override
      public void handle(GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> request) {
        if (lifecycle.draining()) {
          request.response().status(GrpcStatus.UNAVAILABLE).end();
          return;
        }
        GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> response = request.response();
        watches.add(response);
        request.connection().closeHandler(closed -> watches.remove(response));
        super.handle(request);
      }
    });
  }

  /**
   * The gateway drains: every Watch gets NOT_SERVING and ends (OK), so that an open health watch
   * does not hold its connection, and the node's exit, until the drain timeout.
   */
  public void drain() {
    HealthCheckResponse notServing = HealthCheckResponse.newBuilder().setStatus(ServingStatus.NOT_SERVING).build();
    for (GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> watch : watches) {
      watches.remove(watch);
      watch.write(notServing).compose(written -> watch.end())
          .onFailure(gone -> { }); // the client went away already
    }
  }

  private Future<ServingStatus> duringLifecycle(Future<ServingStatus> status) {
    return status.map(s -> s == ServingStatus.SERVING && !lifecycle.serving() ? ServingStatus.NOT_SERVING : s);
  }
}
