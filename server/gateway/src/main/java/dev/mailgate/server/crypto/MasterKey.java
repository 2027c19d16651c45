package dev.mailgate.server.crypto;

import com.google.crypto.tink.Aead;

/**
 * Wraps and unwraps tenant keysets. KMS-ready: a KMS implementation only has to supply an
 * {@link Aead} (for example Tink's {@code KmsClient.getAead(keyUri)}); {@link FileMasterKey} is the
 * one for development and small installs.
 */
public interface MasterKey {

  /** The AEAD that encrypts and decrypts tenant keysets. Must be thread-safe. */
  Aead keysetEncryption();
}
