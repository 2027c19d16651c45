package dev.mailgate.server.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.provider.gmail.GmailProviderModule;
import dev.mailgate.server.provider.imap.ImapProvider;
import dev.mailgate.server.provider.imap.ImapProviderModule;
import dev.mailgate.server.provider.outlook.OutlookProviderModule;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry finds modules by kind, lists the OAuth ones in order, and refuses two modules for one kind. */
class ProviderRegistryTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void modulesAreFoundByKindAndOAuthOnesListedInOrder() {
    ImapProviderModule imap = new ImapProviderModule(new ImapProvider(vertx, 1, Duration.ofMinutes(1), EgressPolicy.strict()));
    ProviderRegistry registry = new ProviderRegistry(List.of(imap));
    assertThat(registry.module(ProviderKind.IMAP)).containsSame(imap);
    assertThat(registry.module(ProviderKind.GMAIL)).isEmpty();
    assertThat(registry.module(new ProviderKind("YAHOO"))).isEmpty();
    assertThat(registry.oauthKinds()).isEmpty();
    assertThat(registry.usesPassword(ProviderKind.IMAP)).isTrue();
    assertThat(GmailProviderModule.signIn(OAuthProviders.defaults()).kind()).isEqualTo(ProviderKind.GMAIL);
    assertThat(OutlookProviderModule.signIn(OAuthProviders.defaults()).kind()).isEqualTo(ProviderKind.OUTLOOK);
  }

  @Test
  void twoModulesForOneKindAreRefused() {
    ImapProvider provider = new ImapProvider(vertx, 1, Duration.ofMinutes(1), EgressPolicy.strict());
    assertThatThrownBy(() -> new ProviderRegistry(List.of(new ImapProviderModule(provider), new ImapProviderModule(provider))))
        .hasMessageContaining("IMAP");
  }

  @Test
  void aKindIsItsStoredName() {
    assertThat(ProviderKind.stored("GMAIL")).isEqualTo(ProviderKind.GMAIL);
    assertThat(ProviderKind.OUTLOOK.name()).isEqualTo("OUTLOOK");
    assertThatThrownBy(() -> ProviderKind.stored("gmail")).isInstanceOf(IllegalArgumentException.class);
  }
}
