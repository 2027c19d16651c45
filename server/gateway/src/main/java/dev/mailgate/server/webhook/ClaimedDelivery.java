package dev.mailgate.server.webhook;

import java.util.Optional;
import java.util.UUID;

/**
 * A delivery this node claimed for one attempt: what to send where, and the endpoint's encrypted
 * secrets. {@code attempt} counts this attempt; only an answer recorded with it is kept.
 * {@code queued} is when the event was queued for the endpoint (for the delivery lag).
 */
record ClaimedDelivery(long id, UUID endpointId, UUID eventId, String body, int attempt, String url, byte[] secret,
    Optional<byte[]> previousSecret, java.time.Instant queued) {}
