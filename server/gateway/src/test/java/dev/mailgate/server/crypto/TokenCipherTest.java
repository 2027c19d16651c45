package dev.mailgate.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

  private static final String SECRET = "ya29.a0-access-token-ÄÖÜ-✓";

  private final KeysetHandle keyset = newKeyset();
  private final TokenCipher acme = cipher("acme", keyset);
  private final UUID connection = UUID.randomUUID();

  @Test
  void roundTrip() {
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    assertThat(acme.decrypt(connection, SecretField.ACCESS_TOKEN, ciphertext)).isEqualTo(SECRET);
    assertThat(acme.decrypt(connection, SecretField.PASSWORD, acme.encrypt(connection, SecretField.PASSWORD, "")))
        .isEmpty();
  }

  @Test
  void ciphertextDoesNotContainThePlaintextAndIsFreshEachTime() {
    byte[] first = acme.encrypt(connection, SecretField.REFRESH_TOKEN, "1//refresh-token");
    byte[] second = acme.encrypt(connection, SecretField.REFRESH_TOKEN, "1//refresh-token");

    assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("refresh-token");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void ciphertextMovedToAnotherConnectionDoesNotDecrypt() {
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    assertUnreadable(() -> acme.decrypt(UUID.randomUUID(), SecretField.ACCESS_TOKEN, ciphertext));
  }

  @Test
  void ciphertextMovedToAnotherFieldDoesNotDecrypt() {
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    assertUnreadable(() -> acme.decrypt(connection, SecretField.REFRESH_TOKEN, ciphertext));
    assertUnreadable(() -> acme.decrypt(connection, SecretField.PASSWORD, ciphertext));
  }

  @Test
  void ciphertextMovedToAnotherTenantDoesNotDecryptEvenWithTheSameKeyset() {
    TokenCipher globex = cipher("globex", keyset);
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    assertUnreadable(() -> globex.decrypt(connection, SecretField.ACCESS_TOKEN, ciphertext));
  }

  @Test
  void everyFlippedByteIsDetected() {
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    for (int i = 0; i < ciphertext.length; i++) {
      byte[] tampered = ciphertext.clone();
      tampered[i] ^= 0x01;
      assertUnreadable(() -> acme.decrypt(connection, SecretField.ACCESS_TOKEN, tampered));
    }
    assertUnreadable(() -> acme.decrypt(connection, SecretField.ACCESS_TOKEN,
        Arrays.copyOf(ciphertext, ciphertext.length - 1)));
    assertUnreadable(() -> acme.decrypt(connection, SecretField.ACCESS_TOKEN, new byte[0]));
  }

  @Test
  void anotherKeysetCannotDecrypt() {
    TokenCipher other = cipher("acme", newKeyset());
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    assertUnreadable(() -> other.decrypt(connection, SecretField.ACCESS_TOKEN, ciphertext));
    assertThat(other.isCurrent(ciphertext)).isFalse();
  }

  @Test
  void failureMessageNamesConnectionAndFieldButNeverTheSecret() {
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);

    assertThatThrownBy(() -> acme.decrypt(connection, SecretField.REFRESH_TOKEN, ciphertext))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining(connection.toString())
        .hasMessageContaining("REFRESH_TOKEN")
        .hasMessageContaining("acme")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void ciphertextStartsWithThePrimaryKeyPrefix() {
    byte[] ciphertext = acme.encrypt(connection, SecretField.ACCESS_TOKEN, SECRET);
    int primary = keyset.getPrimary().getId();

    assertThat(ciphertext[0]).isEqualTo((byte) 0x01);
    assertThat(ByteBuffer.wrap(ciphertext, 1, 4).getInt()).isEqualTo(primary);
    assertThat(acme.isCurrent(ciphertext)).isTrue();
    assertThat(acme.isCurrent(new byte[] {0x01})).isFalse();
  }

  @Test
  void usableFromManyThreadsAtOnce() throws Exception {
    var pool = Executors.newFixedThreadPool(8);
    try {
      var results = new ArrayList<Future<Boolean>>();
      for (int i = 0; i < 200; i++) {
        String secret = "token-" + i;
        UUID id = UUID.randomUUID();
        results.add(pool.submit(() ->
            acme.decrypt(id, SecretField.ACCESS_TOKEN, acme.encrypt(id, SecretField.ACCESS_TOKEN, secret)).equals(secret)));
      }
      for (var result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertUnreadable(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(SecretUnreadableException.class);
  }

  private static KeysetHandle newKeyset() {
    try {
      return Aes256Gcm.newKeyset();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static TokenCipher cipher(String tenantId, KeysetHandle keyset) {
    try {
      return TokenCipher.of(tenantId, keyset);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
