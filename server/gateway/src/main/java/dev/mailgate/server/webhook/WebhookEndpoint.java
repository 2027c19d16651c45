package dev.mailgate.server.webhook;

import dev.mailgate.server.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One webhook endpoint of a tenant, without its secrets.
 *
 * @param eventTypes the types wanted (empty: all)
 * @param userIds the users whose connections' events are wanted (empty: all)
 * @param disabledReason why the gateway disabled it (a 410 Gone), if it did
 * @param previousSecretExpireTime until when the rotated-out secret still signs, if there is one
 */
public record WebhookEndpoint(UUID id, String url, List<EventType> eventTypes, List<String> userIds, boolean enabled,
    Optional<String> disabledReason, Instant createTime, Instant updateTime, Optional<Instant> previousSecretExpireTime) {}
