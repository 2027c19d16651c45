package dev.mailgate.server.tenant;

import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One tenant as the gateway sees it: its configuration and its own database pool, opened (and
 * migrated) on first use and then reused. No two tenants ever share a pool.
 */
public final class Tenant {

  private final TenantConfig config;
  private final TenantDatabaseOpener opener;
  private final AtomicReference<Future<Pool>> pool = new AtomicReference<>();

  Tenant(TenantConfig config, TenantDatabaseOpener opener) {
    this.config = config;
    this.opener = opener;
  }

  public String id() {
    return config.id();
  }

  public TenantConfig config() {
    return config;
  }

  /**
   * This tenant's pool. Concurrent first calls share one opening; a failed opening is forgotten
   * so the next call tries again.
   */
  public Future<Pool> pool() {
    Future<Pool> current = pool.get();
    if (current != null) {
      return current;
    }
    io.vertx.core.Promise<Pool> promise = io.vertx.core.Promise.promise();
    if (!pool.compareAndSet(null, promise.future())) {
      return pool.get();
    }
    opener.open(config).onComplete(ar -> {
      if (ar.failed()) {
        pool.compareAndSet(promise.future(), null);
      }
      promise.handle(ar);
    });
    return promise.future();
  }

  /** Closes the pool if it was opened. */
  Future<Void> close() {
    Future<Pool> current = pool.getAndSet(null);
    if (current == null) {
      return Future.succeededFuture();
    }
    return current.transform(ar -> ar.succeeded() ? ar.result().close() : Future.succeededFuture());
  }
}
