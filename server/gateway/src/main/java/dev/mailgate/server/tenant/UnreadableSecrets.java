package dev.mailgate.server.tenant;

import io.vertx.core.Future;
import java.util.UUID;

/**
 * What is done to a connection whose stored secret no longer decrypts: it is marked NEEDS_REAUTH
 * (with its event, see {@code events.ConnectionStateChanges}). Completes with whether this call
 * marked it (false: it was not ACTIVE, or a transaction in progress holds its row).
 */
@FunctionalInterface
public interface UnreadableSecrets {

  Future<Boolean> markNeedsReauth(Tenant tenant, UUID connectionId);
}
