package dev.mailgate.server.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.sandbox.ProviderSandbox;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code mailgate sandbox} and {@code dev --sandbox-url}: the demo mailboxes (filled up to N
 * Gmail messages) in a sandbox of its own, and local providers that use it instead of starting one.
 */
class SandboxProcessTest {

  @Test
  void demoMailboxesAreFilledAndLocalProvidersUseTheSandboxGiven() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ProviderSandbox sandbox = ProviderSandbox.start(vertx, "127.0.0.1", 0).await(30, TimeUnit.SECONDS);
      DemoMail.seed(sandbox, null);
      DemoMail.fillGmail(sandbox, 10);
      assertThat(sandbox.gmail().count("alice@example.com", "INBOX")).isEqualTo(10);
      assertThat(sandbox.gmail().count("bob@example.com", "INBOX")).isEqualTo(10);
      // Only the three demo messages are unread: the notes that fill the mailbox are not.
      assertThat(sandbox.gmail().count("alice@example.com", "UNREAD")).isEqualTo(3);

      try (LocalProviders providers = LocalProviders.start(vertx, false, Optional.of(sandbox.baseUrl() + "/"))) {
        assertThat(providers.sandbox()).isNull();
        assertThat(providers.gmailRootUrl()).isEqualTo(sandbox.baseUrl() + "/");
        assertThat(providers.graphRootUrl()).isEqualTo(sandbox.baseUrl());
        assertThat(providers.oauthEndpoints().get("gmail.profile"))
            .isEqualTo(sandbox.baseUrl() + ProviderSandbox.GMAIL_PROFILE);
      }
      sandbox.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
