package dev.mailgate.server.mail;

import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * Marks a connection whose credentials the provider refused (even after one renewal) NEEDS_REAUTH,
 * forgetting them, in a transaction of its own. Implemented by {@code events.ConnectionStateChanges},
 * which also records the change in the event log; kept here so that mail depends on no event code.
 */
@FunctionalInterface
public interface NeedsReauth {
  Future<Void> mark(Tenant tenant, UUID connectionId);
}
