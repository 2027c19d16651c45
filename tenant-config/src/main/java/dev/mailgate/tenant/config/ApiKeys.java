package dev.mailgate.tenant.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hashes API keys the way tenant files store them: SHA-256 over the key's UTF-8 bytes. */
public final class ApiKeys {

  private ApiKeys() {
  }

  /** The 32 raw bytes of SHA-256 over {@code key}'s UTF-8 bytes. */
  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@link #sha256(String)} as 64 lowercase hex characters, as written in tenant files. */
  public static String sha256Hex(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }
}
