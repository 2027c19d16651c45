package dev.mailgate.server.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Objects;
import java.util.UUID;

/**
 * Encrypts one tenant's stored secrets; associated data binds each ciphertext to tenant +
 * connection + field. Thread-safe.
 *
 * <p>The associated data is the UTF-8 of {@code "mailgate/v1|" + tenantId + "|" + connectionId
 * + "|" + field.name()}: a ciphertext copied to another row, column or tenant does not decrypt,
 * even where two tenants share a keyset. Ciphertexts carry Tink's 5-byte key prefix, so any key
 * still in the keyset decrypts them and {@link #isCurrent} tells which need re-encrypting.
 */
public final class TokenCipher {

  private final String tenantId;
  private final Aead aead;
  private final byte[] primaryPrefix;

  private TokenCipher(String tenantId, Aead aead, byte[] primaryPrefix) {
    this.tenantId = tenantId;
    this.aead = aead;
    this.primaryPrefix = primaryPrefix;
  }

  /**
   * A cipher for {@code tenantId}'s secrets with {@code keyset}, whose primary key encrypts.
   *
   * @throws GeneralSecurityException if the keyset is not an AEAD keyset with prefixed keys
   */
  public static TokenCipher of(String tenantId, KeysetHandle keyset) throws GeneralSecurityException {
    Objects.requireNonNull(tenantId, "tenantId");
    Aead aead = keyset.getPrimitive(Aes256Gcm.CONFIGURATION, Aead.class);
    if (!(keyset.getPrimary().getKey() instanceof AeadKey primary) || primary.getOutputPrefix().size() == 0) {
      throw new GeneralSecurityException("the primary key of tenant " + tenantId
          + "'s keyset must be an AEAD key with an output prefix");
    }
    return new TokenCipher(tenantId, aead, primary.getOutputPrefix().toByteArray());
  }

  /** Encrypts {@code plaintext} for one field of one connection; fails with an unchecked exception. */
  public byte[] encrypt(UUID connectionId, SecretField field, String plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    try {
      return aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), associatedData(connectionId, field));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt " + field + " of connection " + connectionId
          + " for tenant " + tenantId, e);
    }
  }

  /**
   * Throws SecretUnreadableException (unchecked, message without any secret) if the ciphertext
   * belongs to another tenant/connection/field or was tampered with.
   */
  public String decrypt(UUID connectionId, SecretField field, byte[] ciphertext) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    try {
      return new String(aead.decrypt(ciphertext, associatedData(connectionId, field)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new SecretUnreadableException("stored " + field + " of connection " + connectionId
          + " cannot be decrypted with tenant " + tenantId + "'s keyset", e);
    }
  }

  /**
   * Seals an opaque value the gateway hands out and takes back (a page token): encrypted and
   * bound to this tenant and {@code context} (for example the user and the query it was made
   * for), so it can be neither read nor altered nor used elsewhere.
   */
  public String seal(String context, String value) {
    try {
      byte[] sealed = aead.encrypt(value.getBytes(StandardCharsets.UTF_8), sealingData(context));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a value for tenant " + tenantId, e);
    }
  }

  /**
   * The value of a sealed string made for this tenant and context; empty if it is anything else,
   * including another spelling of the same bytes (base64 leaves the last character's spare bits
   * free, and the decoder ignores them): only the string {@link #seal} returned opens.
   */
  public Optional<String> open(String context, String sealed) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(sealed);
      if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(sealed)) {
        return Optional.empty();
      }
      byte[] value = aead.decrypt(bytes, sealingData(context));
      return Optional.of(new String(value, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] sealingData(String context) {
    return ("mailgate/v1/sealed|" + tenantId + "|" + context).getBytes(StandardCharsets.UTF_8);
  }

  /** True if the ciphertext was made with the current primary key (false means: re-encrypt it). */
  public boolean isCurrent(byte[] ciphertext) {
    return ciphertext.length > primaryPrefix.length
        && Arrays.equals(ciphertext, 0, primaryPrefix.length, primaryPrefix, 0, primaryPrefix.length);
  }

  private byte[] associatedData(UUID connectionId, SecretField field) {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(field, "field");
    return ("mailgate/v1|" + tenantId + "|" + connectionId + "|" + field.name()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TokenCipher[tenant=" + tenantId + "]";
  }
}
