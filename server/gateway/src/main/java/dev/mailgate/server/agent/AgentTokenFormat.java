package dev.mailgate.server.agent;

import dev.mailgate.tenant.config.TenantConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The agent token format: {@code mga_<tenant id>_<43 characters: 32 random bytes, base64url>}.
 * The tenant id (which never holds an underscore) lets the gateway find the tenant's database
 * without {@code x-tenant-id}; the token is still only valid if its SHA-256 is stored there.
 */
public final class AgentTokenFormat {

  /** What every agent token starts with. */
  public static final String PREFIX = "mga_";
  private static final int RANDOM_BYTES = 32;
  private static final int RANDOM_CHARS = 43;
  private static final SecureRandom RANDOM = new SecureRandom();

  private AgentTokenFormat() {}

  /** A new token for this tenant. */
  public static String generate(String tenantId) {
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    return PREFIX + tenantId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** Whether this bearer credential is shaped like an agent token (rather than an API key). */
  public static boolean looksLikeAgentToken(String credential) {
    return credential.startsWith(PREFIX);
  }

  /** The tenant a well-formed token names; empty for a malformed one. */
  public static Optional<String> tenantOf(String token) {
    if (!looksLikeAgentToken(token)) {
      return Optional.empty();
    }
    int end = token.indexOf('_', PREFIX.length());
    if (end < 0 || token.length() - end - 1 != RANDOM_CHARS) {
      return Optional.empty();
    }
    String tenant = token.substring(PREFIX.length(), end);
    String random = token.substring(end + 1);
    return TenantConfig.TENANT_ID.matcher(tenant).matches() && random.matches("[A-Za-z0-9_-]+")
        ? Optional.of(tenant) : Optional.empty();
  }

  /** The SHA-256 of the whole token, which is all the tenant database keeps. */
  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
