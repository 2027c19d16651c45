package dev.mailgate.server.tenant;

import dev.mailgate.server.crypto.TenantKeysets;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/** Loads (or creates) a tenant's token keyset off the event loop and makes its cipher. */
public final class TenantCipherLoader {

  private final TenantKeysets keysets;
  private final WorkerExecutor workers;

  public TenantCipherLoader(Vertx vertx, TenantKeysets keysets) {
    this.keysets = keysets;
    this.workers = vertx.createSharedWorkerExecutor("mailgate-keysets", 1);
  }

  public Future<TokenCipher> load(TenantConfig tenant) {
    return workers.executeBlocking(() -> TokenCipher.of(tenant.id(), keysets.loadOrCreate(tenant)));
  }

  public Future<Void> close() {
    return workers.close();
  }
}
