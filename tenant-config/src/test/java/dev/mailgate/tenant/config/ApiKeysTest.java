package dev.mailgate.tenant.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys are hashed and compared as SHA-256 over UTF-8. */
class ApiKeysTest {

  @Test
  void sha256HexIsTheStandardDigestOfTheUtf8Key() {
    assertThat(ApiKeys.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(ApiKeys.sha256Hex("mgk_dev_acme_5f2c9a7e41d8"))
        .isEqualTo("5b1e4b2f24dae2d9ffbd296918792cff399d7ad95d5ddd75fb3d9f082101d30b");
    assertThat(ApiKeys.sha256("abc")).hasSize(32);
  }

  @Test
  void apiKeyMatchesOnlyItsOwnKey() {
    ApiKey key = new ApiKey("dev", ApiKeys.sha256("right-key"));

    assertThat(key.matches("right-key")).isTrue();
    assertThat(key.matches("wrong-key")).isFalse();
  }

  @Test
  void apiKeyHashCannotBeChangedFromOutside() {
    byte[] hash = ApiKeys.sha256("k");
    ApiKey key = new ApiKey("dev", hash);

    hash[0] ^= 1;
    key.sha256()[1] ^= 1;

    assertThat(key.sha256()).isEqualTo(ApiKeys.sha256("k"));
  }

  @Test
  void apiKeysWithTheSameNameAndHashAreEqual() {
    assertThat(new ApiKey("dev", ApiKeys.sha256("k"))).isEqualTo(new ApiKey("dev", ApiKeys.sha256("k")))
        .hasSameHashCodeAs(new ApiKey("dev", ApiKeys.sha256("k")));
  }

  @Test
  void apiKeyToStringShowsOnlyAFingerprintOfTheHash() {
    ApiKey key = new ApiKey("dev", ApiKeys.sha256("abc"));

    assertThat(key).hasToString("ApiKey[name=dev, sha256=ba7816bf…]");
  }
}
