package dev.mailgate.tenant.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An API key a tenant accepts, stored only as the SHA-256 of the key.
 *
 * @param name   label of the key, unique within its tenant (shows up in logs, never the key)
 * @param sha256 the 32 raw bytes of SHA-256 over the key's UTF-8 bytes
 */
public record ApiKey(String name, byte[] sha256) {

  public ApiKey {
    Objects.requireNonNull(name, "name");
    if (sha256.length != 32) {
      throw new IllegalArgumentException("sha256 must be 32 bytes, was " + sha256.length);
    }
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** Whether {@code presentedKey} is this key, compared in constant time over the hashes. */
  public boolean matches(String presentedKey) {
    return MessageDigest.isEqual(sha256, ApiKeys.sha256(presentedKey));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ApiKey key && name.equals(key.name) && Arrays.equals(sha256, key.sha256);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(sha256);
  }

  /** Shows the name and a short fingerprint of the hash. */
  @Override
  public String toString() {
    return "ApiKey[name=" + name + ", sha256=" + HexFormat.of().formatHex(sha256, 0, 4) + "…]";
  }
}
