package dev.mailgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.provider.gmail.GmailProviderModule;
import dev.mailgate.server.provider.outlook.OutlookProviderModule;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Provider endpoints default to Google and Microsoft (as their modules declare) and can be overridden one by one. */
class OAuthProvidersTest {

  @Test
  void defaultsAreTheRealProviders() {
    OAuthProviders defaults = OAuthProviders.defaults();
    assertThat(GmailProviderModule.signIn(defaults).endpoints().tokenUrl()).isEqualTo("https://oauth2.googleapis.com/token");
    assertThat(OutlookProviderModule.signIn(defaults).endpoints().revocationUrl()).isEmpty();
  }

  @Test
  void singleEndpointsCanBeOverridden() {
    OAuthProviders changed = OAuthProviders.defaults().overriding(Map.of(
        "gmail.token", "https://token.example.test/t", "outlook.revocation", "https://r.example.test/revoke"));
    OAuthEndpoints gmail = GmailProviderModule.signIn(changed).endpoints();
    assertThat(gmail.tokenUrl()).isEqualTo("https://token.example.test/t");
    assertThat(gmail.authorizationUrl()).isEqualTo(OAuthEndpoints.google().authorizationUrl());
    assertThat(OutlookProviderModule.signIn(changed).endpoints().revocationUrl())
        .isEqualTo(Optional.of("https://r.example.test/revoke"));
  }

  @Test
  void unknownKeysAreRefused() {
    assertThatThrownBy(() -> OAuthProviders.defaults().overriding(Map.of("yahoo.token", "x")))
        .hasMessageContaining("yahoo.token");
    assertThatThrownBy(() -> OAuthProviders.defaults().overriding(Map.of("gmail.tokens", "x")))
        .hasMessageContaining("gmail.tokens");
  }
}
