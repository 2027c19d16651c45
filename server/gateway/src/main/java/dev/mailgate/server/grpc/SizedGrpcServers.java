package dev.mailgate.server.grpc;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Refuses oversized gRPC requests before they are buffered or decoded, with a limit per method.
 * Vert.x gRPC has one {@code maxMessageSize} per {@link GrpcServer}, checked against each
 * message's 5-byte length prefix (a message over it is skipped as it arrives, never held whole,
 * and the call ends with RESOURCE_EXHAUSTED). So there is one server per limit, each serving
 * every service, and {@link #handle} picks the server by the request path: an exact method
 * ({@code /pkg.Service/Method}), else its service ({@code /pkg.Service}), else the default.
 */
public final class SizedGrpcServers {

  private final Vertx vertx;
  private final Supplier<GrpcServerOptions> options;
  private final GrpcServer fallback;
  private final Map<Integer, GrpcServer> byLimit = new HashMap<>();
  private final Map<String, GrpcServer> byPath = new HashMap<>();
  private final List<Service> services = new ArrayList<>();

  /** Servers made from {@code options} (a fresh copy each), refusing more than {@code defaultLimit} bytes by default. */
  public SizedGrpcServers(Vertx vertx, Supplier<GrpcServerOptions> options, int defaultLimit) {
    this.vertx = vertx;
    this.options = options;
    this.fallback = server(defaultLimit);
  }

  /** Requests of this method ({@code pkg.Service/Method}) may be up to {@code bytes}. */
  public SizedGrpcServers method(String fullMethodName, int bytes) {
    byPath.put("/" + fullMethodName, server(bytes));
    return this;
  }

  /** Requests of every method of this service ({@code pkg.Service}) may be up to {@code bytes}. */
  public SizedGrpcServers service(String serviceName, int bytes) {
    byPath.put("/" + serviceName, server(bytes));
    return this;
  }

  /** Serves {@code service} (on every server; the path decides which one a request reaches). */
  public SizedGrpcServers add(Service service) {
    services.add(service);
    byLimit.values().forEach(server -> server.addService(service));
    return this;
  }

  public void handle(HttpServerRequest request) {
    serverFor(request.path()).handle(request);
  }

  /**
   * A handler serving every request with one limit, whatever its path (HTTP/JSON calls, whose
   * path is not the method's). Made at wiring time: the servers are not added to while serving.
   */
  public Handler<HttpServerRequest> limitedTo(int bytes) {
    return server(bytes)::handle;
  }

  private GrpcServer serverFor(String path) {
    GrpcServer server = byPath.get(path);
    if (server == null) {
      int slash = path.lastIndexOf('/');
      server = slash > 0 ? byPath.getOrDefault(path.substring(0, slash), fallback) : fallback;
    }
    return server;
  }

  private GrpcServer server(int bytes) {
    return byLimit.computeIfAbsent(bytes, limit -> {
      GrpcServer server = GrpcServer.server(vertx, options.get().setMaxMessageSize(limit));
      services.forEach(server::addService);
      return server;
    });
  }
}
