package dev.mailgate.server.store;

import java.time.Instant;

/** A stored user, named by the caller's own id. */
public record UserRecord(String userId, String email, int connectionCount, Instant createTime, Instant updateTime) {}
