package dev.mailgate.server.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's coordination database: a small pool for lease and node queries, and one
 * connection that LISTENs (reconnecting after a second when it drops; what it missed meanwhile is
 * caught up by the readers' own intervals). Its schema is migrated by Flyway at startup, from
 * {@code db/coordination}, with a history table of its own.
 */
public final class CoordinationDatabase {

  private static final Logger log = LoggerFactory.getLogger(CoordinationDatabase.class);
  private static final int POOL_SIZE = 4;

  private final Pool pool;
  private final PgSubscriber subscriber;

  private CoordinationDatabase(Pool pool, PgSubscriber subscriber) {
    this.pool = pool;
    this.subscriber = subscriber;
  }

  /** Migrates the database at {@code uri} ({@code postgresql://user:password@host:port/db}) and connects. */
  public static Future<CoordinationDatabase> open(Vertx vertx, String uri) {
    PgConnectOptions connect = PgConnectOptions.fromUri(uri).addProperty("application_name", "mailgate-coordination");
    return vertx.<Void>executeBlocking(() -> {
      String jdbc = "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
      var result = Flyway.configure().dataSource(jdbc, connect.getUser(), connect.getPassword())
          .locations("classpath:db/coordination").table("coordination_schema_history").connectRetries(0)
          .load().migrate();
      log.info("coordination database {}:{}/{} at version {}", connect.getHost(), connect.getPort(),
          connect.getDatabase(), result.targetSchemaVersion);
      return null;
    }).compose(migrated -> {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(POOL_SIZE).setName("coordination"))
          .connectingTo(connect).using(vertx).build();
      PgSubscriber subscriber = PgSubscriber.subscriber(vertx, connect).reconnectPolicy(retries -> 1000L);
      return subscriber.connect().map(v -> new CoordinationDatabase(pool, subscriber))
          .onFailure(failure -> pool.close());
    });
  }

  Pool pool() {
    return pool;
  }

  PgSubscriber subscriber() {
    return subscriber;
  }

  /** Answers a trivial query within {@code timeoutMillis}: the database can be reached now. */
  Future<Void> ping(long timeoutMillis) {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return subscriber.close().eventually(pool::close);
  }
}
