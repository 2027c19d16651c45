package dev.mailgate.server.store;

import java.time.Instant;
import java.util.UUID;

/** The position after which the next page of a user's connections starts (newest first). */
public record ConnectionCursor(Instant createTime, UUID id) {}
