package dev.mailgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.store.ProviderKind;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Provider endpoints default to Google and Microsoft and can be overridden one by one. */
class OAuthProvidersTest {

  @Test
  void defaultsAreTheRealProviders() {
    OAuthProviders defaults = OAuthProviders.defaults();
    assertThat(defaults.of(ProviderKind.GMAIL).orElseThrow().tokenUrl()).isEqualTo("https://oauth2.googleapis.com/token");
    assertThat(defaults.of(ProviderKind.OUTLOOK).orElseThrow().revocationUrl()).isEmpty();
  }

  @Test
  void singleEndpointsCanBeOverridden() {
    OAuthProviders changed = OAuthProviders.defaults().overriding(Map.of(
        "gmail.token", "https://token.example.test/t", "outlook.revocation", "https://r.example.test/revoke"));
    OAuthEndpoints gmail = changed.of(ProviderKind.GMAIL).orElseThrow();
    assertThat(gmail.tokenUrl()).isEqualTo("https://token.example.test/t");
    assertThat(gmail.authorizationUrl()).isEqualTo(OAuthEndpoints.google().authorizationUrl());
    assertThat(changed.of(ProviderKind.OUTLOOK).orElseThrow().revocationUrl()).isEqualTo(Optional.of("https://r.example.test/revoke"));
  }

  @Test
  void unknownKeysAreRefused() {
    assertThatThrownBy(() -> OAuthProviders.defaults().overriding(Map.of("yahoo.token", "x")))
        .hasMessageContaining("yahoo.token");
    assertThatThrownBy(() -> OAuthProviders.defaults().overriding(Map.of("gmail.tokens", "x")))
        .hasMessageContaining("gmail.tokens");
  }
}
