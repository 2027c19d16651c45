package dev.mailgate.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import dev.mailgate.tenant.config.TenantConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantKeysetsTest {

  @TempDir
  Path dir;

  private final TenantConfig acme = TestKeys.tenant("acme");
  private Path keysetDir;
  private TenantKeysets keysets;

  @BeforeEach
  void setUp() throws Exception {
    keysetDir = dir.resolve("keysets");
    keysets = new TenantKeysets(FileMasterKey.loadOrCreate(dir.resolve("master-key.json")), keysetDir);
  }

  @Test
  void keysetFileIsTheConfiguredOneOrDefaultDirectorySlashTenantId() {
    Path own = dir.resolve("elsewhere/acme-tokens.json").toAbsolutePath();

    assertThat(keysets.fileOf(acme)).isEqualTo(keysetDir.resolve("acme.json"));
    assertThat(keysets.fileOf(TestKeys.tenant("acme", Optional.of(own)))).isEqualTo(own);
  }

  @Test
  void createsTheConfiguredFileWhenTheTenantNamesOne() throws Exception {
    Path own = dir.resolve("elsewhere/acme-tokens.json").toAbsolutePath();

    keysets.loadOrCreate(TestKeys.tenant("acme", Optional.of(own)));

    assertThat(own).exists();
    assertThat(keysetDir.resolve("acme.json")).doesNotExist();
  }

  @Test
  void keysetFileIsTinksEncryptedKeysetWithoutAnyCleartextKey() throws Exception {
    KeysetHandle keyset = keysets.loadOrCreate(acme);
    String file = Files.readString(keysets.fileOf(acme), StandardCharsets.UTF_8);

    assertThat(file).contains("\"encryptedKeyset\"").doesNotContain("\"keyData\"");
    byte[] key = ((AesGcmKey) keyset.getPrimary().getKey()).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
    assertThat(key).hasSize(32);
    assertThat(file)
        .doesNotContain(Base64.getEncoder().encodeToString(key))
        .doesNotContain(Base64.getEncoder().encodeToString(key).substring(0, 20))
        .doesNotContain(HexFormat.of().formatHex(key))
        .doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
  }

  @Test
  void keysetFileIsOwnerOnly() throws Exception {
    keysets.loadOrCreate(acme);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysets.fileOf(acme))))
        .isEqualTo("rw-------");

    keysets.rotate(acme);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysets.fileOf(acme))))
        .isEqualTo("rw-------");
    try (var entries = Files.list(keysetDir)) {
      assertThat(entries).containsExactly(keysets.fileOf(acme)); // no temporary file left behind
    }
  }

  @Test
  void anotherMasterKeyCannotLoadTheKeyset() throws Exception {
    keysets.loadOrCreate(acme);
    String before = Files.readString(keysets.fileOf(acme));
    TenantKeysets otherMaster = new TenantKeysets(FileMasterKey.loadOrCreate(dir.resolve("other-master.json")),
        keysetDir);

    assertThatThrownBy(() -> otherMaster.loadOrCreate(acme))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("acme");
    assertThatThrownBy(() -> otherMaster.rotate(acme)).isInstanceOf(GeneralSecurityException.class);
    assertThat(Files.readString(keysets.fileOf(acme))).isEqualTo(before);
  }

  @Test
  void aKeysetFileCopiedToAnotherTenantDoesNotLoad() throws Exception {
    keysets.loadOrCreate(acme);
    TenantConfig globex = TestKeys.tenant("globex");
    Files.copy(keysets.fileOf(acme), keysets.fileOf(globex), StandardCopyOption.COPY_ATTRIBUTES);

    assertThatThrownBy(() -> keysets.loadOrCreate(globex)).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void loadOrCreateReturnsTheSameKeysetEveryTime() throws Exception {
    KeysetHandle first = keysets.loadOrCreate(acme);
    KeysetHandle second = keysets.loadOrCreate(acme);
    TenantKeysets anotherInstance = new TenantKeysets(FileMasterKey.load(dir.resolve("master-key.json")), keysetDir);

    assertThat(second.equalsKeyset(first)).isTrue();
    assertThat(anotherInstance.loadOrCreate(acme).equalsKeyset(first)).isTrue();
    UUID connection = UUID.randomUUID();
    byte[] ciphertext = TokenCipher.of("acme", first).encrypt(connection, SecretField.ACCESS_TOKEN, "token");
    assertThat(TokenCipher.of("acme", second).decrypt(connection, SecretField.ACCESS_TOKEN, ciphertext))
        .isEqualTo("token");
  }

  @Test
  void tenantsGetDifferentKeysets() throws Exception {
    assertThat(keysets.loadOrCreate(acme).equalsKeyset(keysets.loadOrCreate(TestKeys.tenant("globex")))).isFalse();
  }

  @Test
  void concurrentFirstLoadsAgreeOnOneKeyset() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<KeysetHandle>> loads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        // separate instances: like separate gateway processes sharing the directory
        TenantKeysets instance = new TenantKeysets(FileMasterKey.load(dir.resolve("master-key.json")), keysetDir);
        loads.add(pool.submit(() -> {
          start.await();
          return instance.loadOrCreate(acme);
        }));
      }
      start.countDown();
      List<KeysetHandle> loaded = new ArrayList<>();
      for (Future<KeysetHandle> load : loads) {
        loaded.add(load.get());
      }
      KeysetHandle onDisk = keysets.loadOrCreate(acme);
      assertThat(loaded).allSatisfy(keyset -> assertThat(keyset.equalsKeyset(onDisk)).isTrue());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rotationAddsANewPrimaryAndOldCiphertextsStillDecrypt() throws Exception {
    KeysetHandle before = keysets.loadOrCreate(acme);
    TokenCipher oldCipher = TokenCipher.of("acme", before);
    UUID connection = UUID.randomUUID();
    byte[] old = oldCipher.encrypt(connection, SecretField.REFRESH_TOKEN, "old-refresh-token");

    int newPrimary = keysets.rotate(acme);

    KeysetHandle after = keysets.loadOrCreate(acme);
    assertThat(after.size()).isEqualTo(2);
    assertThat(after.getPrimary().getId()).isEqualTo(newPrimary).isNotEqualTo(before.getPrimary().getId());
    TokenCipher newCipher = TokenCipher.of("acme", after);
    assertThat(newCipher.decrypt(connection, SecretField.REFRESH_TOKEN, old)).isEqualTo("old-refresh-token");
    assertThat(newCipher.isCurrent(old)).isFalse();
    assertThat(oldCipher.isCurrent(old)).isTrue();

    byte[] fresh = newCipher.encrypt(connection, SecretField.REFRESH_TOKEN, "new-refresh-token");
    assertThat(newCipher.isCurrent(fresh)).isTrue();
    assertThat(fresh).startsWith((byte) 0x01, (byte) (newPrimary >>> 24), (byte) (newPrimary >>> 16),
        (byte) (newPrimary >>> 8), (byte) newPrimary);
    assertThatThrownBy(() -> oldCipher.decrypt(connection, SecretField.REFRESH_TOKEN, fresh))
        .isInstanceOf(SecretUnreadableException.class);

    keysets.rotate(acme);
    KeysetHandle third = keysets.loadOrCreate(acme);
    assertThat(third.size()).isEqualTo(3);
    assertThat(TokenCipher.of("acme", third).decrypt(connection, SecretField.REFRESH_TOKEN, old))
        .isEqualTo("old-refresh-token");
  }

  @Test
  void rotationNeverCreatesAKeyset() {
    assertThatThrownBy(() -> keysets.rotate(acme)).isInstanceOf(NoSuchFileException.class);
    assertThat(keysets.fileOf(acme)).doesNotExist();
  }
}
