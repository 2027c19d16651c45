package dev.mailgate.loadgen;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpcService;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListConnectionsResponse;
import dev.mailgate.proto.v1.Provider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The transport and the driver alone: a bare Vert.x gRPC server answering
 * {@code ConnectionService/ListConnections} (first page, default size) with the gateway's own page
 * query ({@link DirectTarget#SELECT_PAGE_UNQUALIFIED}) over a vertx-pg-client pool, mapping the rows to
 * the gateway's message; no authentication, tenant routing, access log, validation or metrics.
 * What the gateway costs on top of it is its own work. Every other method answers UNIMPLEMENTED.
 */
public final class BareVertxServer implements AutoCloseable {

  private static final OffsetDateTime END_OF_TIME = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final UUID MAX_UUID = new UUID(-1L, -1L);
  /** The gateway's default page size (FieldChecks.DEFAULT_PAGE_SIZE). */
  private static final int PAGE_SIZE = 50;

  private final Vertx vertx;
  private final Pool pool;
  private final HttpServer server;

  private BareVertxServer(Vertx vertx, Pool pool, HttpServer server) {
    this.vertx = vertx;
    this.pool = pool;
    this.server = server;
  }

  /** Starts on host:port (0 picks a free port) with {@code poolSize} database connections. */
  public static BareVertxServer start(String host, int port, PgConnectOptions database, int poolSize) throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setName("bare-vertx"))
        .connectingTo(database.setCachePreparedStatements(true))
        .using(vertx)
        .build();
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(ConnectionServiceGrpcService.ListConnections, request -> request.handler(message ->
        list(pool, message).onComplete(answer -> {
          if (answer.succeeded()) {
            request.response().end(answer.result());
          } else {
            request.response().status(GrpcStatus.UNAVAILABLE).end();
          }
        })));
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(grpc).listen(port, host).await(30, TimeUnit.SECONDS);
      return new BareVertxServer(vertx, pool, server);
    } catch (Exception e) {
      vertx.close().await(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static Future<ListConnectionsResponse> list(Pool pool, ListConnectionsRequest request) {
    return pool.preparedQuery(DirectTarget.SELECT_PAGE_UNQUALIFIED)
        .execute(Tuple.of(request.getUserId(), END_OF_TIME, MAX_UUID, PAGE_SIZE + 1))
        .map(rows -> {
          List<Connection> connections = new ArrayList<>();
          for (Row row : rows) {
            connections.add(toProto(row));
          }
          ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder();
          connections.stream().limit(PAGE_SIZE).forEach(response::addConnections);
          if (connections.size() > PAGE_SIZE) {
            Connection last = connections.get(PAGE_SIZE - 1);
            long micros = last.getCreateTime().getSeconds() * 1_000_000 + last.getCreateTime().getNanos() / 1_000;
            response.setNextPageToken(BaselineConnectionService.encodeToken(request.getUserId(), Long.toString(micros),
                last.getConnectionId()));
          }
          return response.build();
        });
  }

  private static Connection toProto(Row row) {
    Connection.Builder connection = Connection.newBuilder()
        .setConnectionId(row.getUUID("id").toString())
        .setUserId(row.getString("external_id"))
        .setProvider(Provider.valueOf("PROVIDER_" + row.getString("provider")))
        .setEmailAddress(row.getString("email_address"))
        .setStatus(ConnectionStatus.valueOf("CONNECTION_STATUS_" + row.getString("status")))
        .setCreateTime(timestamp(row.getOffsetDateTime("create_time")))
        .setUpdateTime(timestamp(row.getOffsetDateTime("update_time")));
    String[] scopes = row.getArrayOfStrings("scopes");
    if (scopes != null) {
      connection.addAllScopes(List.of(scopes));
    }
    OffsetDateTime lastUsed = row.getOffsetDateTime("last_used_time");
    if (lastUsed != null) {
      connection.setLastUsedTime(timestamp(lastUsed));
    }
    return connection.build();
  }

  private static Timestamp timestamp(OffsetDateTime time) {
    return Timestamp.newBuilder().setSeconds(time.toEpochSecond()).setNanos(time.getNano()).build();
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
