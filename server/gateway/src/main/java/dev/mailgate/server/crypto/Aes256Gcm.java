package dev.mailgate.server.crypto;

import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;

/**
 * Mailgate's one AEAD choice, for the master key and the tenant keysets alike: AES-256-GCM keys
 * with Tink's 5-byte output prefix, used through Tink's 2026 AEAD configuration.
 */
final class Aes256Gcm {

  /** The configuration every keyset is parsed, built and turned into primitives with. */
  static final Configuration CONFIGURATION = AeadConfig2026.get();

  /** 32-byte key, 12-byte IV, 16-byte tag, TINK output prefix. */
  static final AesGcmParameters PARAMETERS = PredefinedAeadParameters.AES256_GCM;

  private Aes256Gcm() {}

  /** A new keyset holding one fresh key, which is primary. */
  static KeysetHandle newKeyset() throws GeneralSecurityException {
    return KeysetHandle.generateNew(PARAMETERS, CONFIGURATION);
  }

  /** {@code keyset} plus one fresh key, which becomes primary; the old keys stay enabled. */
  static KeysetHandle withNewPrimary(KeysetHandle keyset) throws GeneralSecurityException {
    return KeysetHandle.newBuilder(keyset)
        .addEntry(KeysetHandle.generateEntryFromParameters(PARAMETERS).withRandomId().makePrimary())
        .setConfiguration(CONFIGURATION)
        .build();
  }
}
