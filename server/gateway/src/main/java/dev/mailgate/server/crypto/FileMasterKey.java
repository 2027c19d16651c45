package dev.mailgate.server.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev/small installs: a cleartext Tink AES256_GCM keyset JSON file (0600); created if missing.
 * Whoever can read this file can read every tenant's tokens: keep it off shared disks and out of
 * backups that sit next to the keysets, or use a KMS-backed {@link MasterKey} instead.
 */
public final class FileMasterKey implements MasterKey {

  private static final Logger log = LoggerFactory.getLogger(FileMasterKey.class);

  private final Aead aead;

  private FileMasterKey(Aead aead) {
    this.aead = aead;
  }

  /** Loads the master key from {@code file}, first writing a new one there (0600) if there is none. */
  public static FileMasterKey loadOrCreate(Path file) throws IOException, GeneralSecurityException {
    if (!Files.exists(file)) {
      KeysetHandle created = Aes256Gcm.newKeyset();
      String json = TinkJsonProtoKeysetFormat.serializeKeyset(created, Aes256Gcm.CONFIGURATION,
          InsecureSecretKeyAccess.get());
      if (KeyFiles.createNew(file, json)) {
        log.info("created master key {}", file.toAbsolutePath());
      }
    }
    return load(file);
  }

  /**
   * Loads the master key from {@code file}.
   *
   * @throws NoSuchFileException if there is no such file
   * @throws GeneralSecurityException if the file is not a Tink AEAD keyset
   */
  public static FileMasterKey load(Path file) throws IOException, GeneralSecurityException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    if (KeyFiles.accessibleToOthers(file)) {
      log.warn("master key {} is readable or writable by other users; chmod 600 it", file.toAbsolutePath());
    }
    KeysetHandle keyset = TinkJsonProtoKeysetFormat.parseKeyset(json, Aes256Gcm.CONFIGURATION,
        InsecureSecretKeyAccess.get());
    return new FileMasterKey(keyset.getPrimitive(Aes256Gcm.CONFIGURATION, Aead.class));
  }

  @Override
  public Aead keysetEncryption() {
    return aead;
  }

  /** Never shows key material. */
  @Override
  public String toString() {
    return "FileMasterKey[redacted]";
  }
}
