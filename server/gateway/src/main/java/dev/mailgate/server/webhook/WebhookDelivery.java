package dev.mailgate.server.webhook;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One event queued for one endpoint, as the API lists it.
 *
 * @param eventType the event's type name ({@code EventType}), or {@link #TEST_EVENT} for a test event
 * @param connectionId the event's connection; empty for a test event
 * @param lastStatusCode the HTTP status of the last answer, 0 if there was none
 * @param nextAttemptTime when the next attempt is due, for a pending delivery
 */
public record WebhookDelivery(long id, UUID endpointId, UUID eventId, String eventType, Optional<UUID> connectionId,
    Status status, int attempts, int lastStatusCode, Optional<String> lastError, Optional<Instant> nextAttemptTime,
    Instant createTime, Instant updateTime) {

  /** The event type of a test event. */
  public static final String TEST_EVENT = "WEBHOOK_TEST";

  /** Where a delivery stands. */
  public enum Status { PENDING, SUCCEEDED, DEAD_LETTERED }
}
