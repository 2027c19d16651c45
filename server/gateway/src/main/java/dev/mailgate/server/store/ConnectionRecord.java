package dev.mailgate.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A stored connection, without its credentials; settings are provider settings (IMAP hosts), never secrets. */
public record ConnectionRecord(
    UUID id,
    String userId,
    ProviderKind provider,
    String emailAddress,
    List<String> scopes,
    ConnectionStatus status,
    Instant createTime,
    Instant updateTime,
    Optional<Instant> lastUsedTime,
    Map<String, String> settings) {}
