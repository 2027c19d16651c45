package dev.mailgate.server.events;

import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.store.ConnectionStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An event as the log holds it: with its connection's owner (the caller's user id) and mailbox
 * address, its per-connection sequence and its position in the log.
 */
public record StoredEvent(LogPosition position, UUID eventId, UUID connectionId, String userId, String emailAddress,
    long sequence, EventType type, Instant observeTime, Optional<MessageSummary> message,
    Optional<LabelChanges> labels, Optional<ConnectionStatus> status) {}
