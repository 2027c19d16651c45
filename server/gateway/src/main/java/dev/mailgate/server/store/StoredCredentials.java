package dev.mailgate.server.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A connection's encrypted credentials as stored (Tink ciphertexts, never plaintext). */
public record StoredCredentials(UUID connectionId, ProviderKind provider, ConnectionStatus status,
    Optional<byte[]> accessToken, Optional<byte[]> refreshToken, Optional<Instant> accessTokenExpireTime,
    Optional<byte[]> password) {}
