package dev.mailgate.server.crypto;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import dev.mailgate.tenant.config.TenantConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant Tink keysets stored encrypted by the master key (JSON, Tink's encrypted-keyset
 * format), one file per tenant.
 *
 * <p>Each file is encrypted with the tenant id as associated data: a keyset file copied to another
 * tenant does not load. Files are written 0600 and atomically; creating a missing keyset never
 * overwrites one another process wrote a moment earlier. All methods do blocking file I/O: call
 * them off the event loop.
 */
public final class TenantKeysets {

  private static final Logger log = LoggerFactory.getLogger(TenantKeysets.class);

  private final MasterKey master;
  private final Path defaultDirectory;

  public TenantKeysets(MasterKey master, Path defaultDirectory) {
    this.master = Objects.requireNonNull(master, "master");
    this.defaultDirectory = Objects.requireNonNull(defaultDirectory, "defaultDirectory");
  }

  /** The tenant's keyset file: tenant.tokenKeysetFile() if set, else defaultDirectory/&lt;tenant id&gt;.json. */
  public Path fileOf(TenantConfig tenant) {
    return tenant.tokenKeysetFile().orElseGet(() -> defaultDirectory.resolve(tenant.id() + ".json"));
  }

  /** Loads the keyset, creating a new AES256_GCM one (and the file, 0600, parent dirs) if missing. Blocking I/O. */
  public KeysetHandle loadOrCreate(TenantConfig tenant) throws IOException, GeneralSecurityException {
    Path file = fileOf(tenant);
    if (!Files.exists(file)) {
      KeysetHandle created = Aes256Gcm.newKeyset();
      if (KeyFiles.createNew(file, serialize(tenant, created))) {
        log.info("tenant={} created token keyset {}", tenant.id(), file);
        return created;
      }
      // Another thread or process created it first: use theirs.
    }
    return load(tenant, file);
  }

  /**
   * Adds a new AES256_GCM key, makes it primary, writes the file atomically; old keys stay for
   * decryption. Returns the new primary key id (Tink's unsigned 32-bit id in an int: print it with
   * {@link Integer#toUnsignedString(int)}).
   *
   * <p>Running gateways keep the keyset they loaded until they reload it, and cannot decrypt
   * what was encrypted with the new key before then. Concurrent rotations of one tenant in
   * different processes must be avoided (the last writer wins); in one process they are serialized.
   *
   * @throws NoSuchFileException if the tenant has no keyset yet (a rotation never creates one)
   */
  public synchronized int rotate(TenantConfig tenant) throws IOException, GeneralSecurityException {
    Path file = fileOf(tenant);
    KeysetHandle rotated = Aes256Gcm.withNewPrimary(load(tenant, file));
    KeyFiles.replace(file, serialize(tenant, rotated));
    int primary = rotated.getPrimary().getId();
    log.info("tenant={} token keyset {} rotated, new primary key {}", tenant.id(), file,
        Integer.toUnsignedString(primary));
    return primary;
  }

  private KeysetHandle load(TenantConfig tenant, Path file) throws IOException, GeneralSecurityException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, master.keysetEncryption(),
          associatedData(tenant), Aes256Gcm.CONFIGURATION);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException("token keyset " + file + " of tenant " + tenant.id()
          + " cannot be decrypted with this master key (wrong master key, another tenant's file, or damaged)", e);
    }
  }

  private String serialize(TenantConfig tenant, KeysetHandle keyset) throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, master.keysetEncryption(),
        associatedData(tenant), Aes256Gcm.CONFIGURATION);
  }

  private static byte[] associatedData(TenantConfig tenant) {
    return ("mailgate/keyset/v1|" + tenant.id()).getBytes(StandardCharsets.UTF_8);
  }
}
