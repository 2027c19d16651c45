package dev.mailgate.server.dev;

import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.store.UserStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Demo rows for dev mode, so the isolation rules can be probed at once: in tenant {@code acme},
 * users alice and bob, and one Gmail connection of alice's. It holds no credentials until alice
 * authorizes (StartAuthorization, sign in as alice@example.com), so it starts NEEDS_REAUTH;
 * authorizing re-activates this same connection. Seeding is idempotent.
 */
final class DemoData {

  static final String TENANT = "acme";

  private DemoData() {}

  /** Seeds the rows if missing and returns alice's demo connection. */
  static Future<Optional<ConnectionRecord>> seed(Optional<Tenant> acme) {
    if (acme.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    UserStore users = new UserStore();
    ConnectionStore connections = new ConnectionStore();
    return acme.get().withDatabase(db -> users.ensure(db, "alice", "alice@example.com")
        .compose(alice -> users.ensure(db, "bob", "bob@example.com"))
        .compose(bob -> connections.list(db, "alice", 1, Optional.empty()))
        .compose(page -> page.items().isEmpty()
            ? connections.insert(db, "alice", ProviderKind.GMAIL, "alice@example.com", List.of(),
                ConnectionStatus.NEEDS_REAUTH)
            : Future.succeededFuture(page.items().get(0)))
        .map(Optional::of));
  }
}
