package dev.mailgate.loadgen;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The grpc-java baseline: what a user would otherwise build for ListConnections. A plain
 * grpc-java Netty server whose handlers run on a fixed executor of {@code poolSize} threads
 * (blocking JDBC is fine there) over a HikariCP pool of as many PostgreSQL connections.
 */
public final class BaselineServer implements AutoCloseable {

  private final HikariDataSource database;
  private final ExecutorService executor;
  private final Server server;

  private BaselineServer(HikariDataSource database, ExecutorService executor, Server server) {
    this.database = database;
    this.executor = executor;
    this.server = server;
  }

  /** Starts on host:port (0 picks a free port) for one tenant and its API key. */
  public static BaselineServer start(String host, int port, PgUrl pgUrl, int poolSize, String tenantId,
      String apiKey) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pgUrl.jdbcUrl());
    if (pgUrl.user() != null) {
      config.setUsername(pgUrl.user());
    }
    if (pgUrl.password() != null) {
      config.setPassword(pgUrl.password());
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setConnectionTimeout(10_000);
    config.setPoolName("baseline");
    HikariDataSource database = new HikariDataSource(config);
    ExecutorService executor = Executors.newFixedThreadPool(poolSize, named("baseline-handler-"));
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
          .executor(executor)
          .addService(ServerInterceptors.intercept(new BaselineConnectionService(database),
              new BaselineAuth(tenantId, apiKey)))
          .build()
          .start();
      return new BaselineServer(database, executor, server);
    } catch (Exception e) {
      executor.shutdownNow();
      database.close();
      throw e;
    }
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    executor.shutdownNow();
    database.close();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
  }
}
