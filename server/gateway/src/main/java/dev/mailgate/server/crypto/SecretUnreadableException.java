package dev.mailgate.server.crypto;

/**
 * A stored secret could not be decrypted: it was made for another tenant, connection or field,
 * was tampered with, or its key is no longer in the tenant's keyset. The message names the
 * tenant, connection and field, never the secret.
 */
public final class SecretUnreadableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  SecretUnreadableException(String message, Throwable cause) {
    super(message, cause);
  }
}
