package dev.mailgate.server.crypto;

/**
 * Which stored secret of a connection a ciphertext holds. Part of the associated data, so a
 * ciphertext of one field never decrypts as another. Renaming a constant makes every stored
 * ciphertext of that field unreadable.
 */
public enum SecretField {
  ACCESS_TOKEN,
  REFRESH_TOKEN,
  PASSWORD,
  /** A watched connection's push subscription state ({@code connection_watch.push_state}: Graph's clientState). */
  PUSH_STATE
}
