package dev.mailgate.server.webhook;

import dev.mailgate.server.events.StoredEvent;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes delivery bodies: the event as the API defines it ({@code mailgate.v1.MailboxEvent} in the
 * proto JSON mapping), at most {@code maxBytes} of UTF-8 (larger message data is fetched through the
 * API). The API layer implements it, being the one that knows the proto classes.
 */
public interface EventBodies {

  /** The body of a stored event, carrying {@code cursor} (the endpoint's cursor after it). */
  String of(StoredEvent event, String cursor, int maxBytes);

  /** The body of a test event. */
  String test(UUID eventId, Instant observeTime);
}
