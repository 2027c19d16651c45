package dev.mailgate.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMasterKeyTest {

  @TempDir
  Path dir;

  private static final byte[] AD = "ad".getBytes(StandardCharsets.UTF_8);

  @Test
  void createsAnOwnerOnlyTinkKeysetFileWithItsParentDirectories() throws Exception {
    Path file = dir.resolve("secrets/master/master-key.json");

    FileMasterKey.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(Files.readString(file)).contains("\"primaryKeyId\"", "type.googleapis.com/google.crypto.tink.AesGcmKey");
    try (var entries = Files.list(file.getParent())) {
      assertThat(entries).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void loadOrCreateKeepsTheExistingKey() throws Exception {
    Path file = dir.resolve("master-key.json");
    byte[] ciphertext = FileMasterKey.loadOrCreate(file).keysetEncryption().encrypt(AD, AD);
    String content = Files.readString(file);

    assertThat(FileMasterKey.loadOrCreate(file).keysetEncryption().decrypt(ciphertext, AD)).isEqualTo(AD);
    assertThat(FileMasterKey.load(file).keysetEncryption().decrypt(ciphertext, AD)).isEqualTo(AD);
    assertThat(Files.readString(file)).isEqualTo(content);
  }

  @Test
  void loadNeverCreates() {
    Path file = dir.resolve("missing.json");

    assertThatThrownBy(() -> FileMasterKey.load(file)).isInstanceOf(NoSuchFileException.class);
    assertThat(file).doesNotExist();
  }

  @Test
  void rejectsAFileThatIsNoKeyset() throws Exception {
    Path file = Files.writeString(dir.resolve("master-key.json"), "{\"not\": \"a keyset\"}");

    assertThatThrownBy(() -> FileMasterKey.load(file)).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void toStringShowsNoKey() throws Exception {
    assertThat(FileMasterKey.loadOrCreate(dir.resolve("master-key.json"))).hasToString("FileMasterKey[redacted]");
  }
}
