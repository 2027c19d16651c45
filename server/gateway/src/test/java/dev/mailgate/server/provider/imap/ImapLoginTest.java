package dev.mailgate.server.provider.imap;

import dev.mailgate.tenant.config.EgressConfig;
import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.failure;
import static dev.mailgate.server.provider.imap.ImapTestServer.gatewayFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapLoginTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  @Test
  void verifyLoginAcceptsTheRightPasswordOnImapAndSmtp() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    ImapSettings settings = ImapSettings.fromMap(mailbox.settings());

    await(server.provider().verifyLogin(settings, mailbox.emailAddress(), mailbox.credential(), EgressConfig.none()));
  }

  @Test
  void verifyLoginWithAWrongPasswordIsProviderUnauthorized() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    ImapSettings settings = ImapSettings.fromMap(mailbox.settings());

    Throwable failure = failure(server.provider().verifyLogin(settings, mailbox.emailAddress(), "not-the-password", EgressConfig.none()));

    assertThat(failure).isInstanceOf(ProviderUnauthorizedException.class);
  }

  @Test
  void mailOperationWithAWrongPasswordIsProviderUnauthorized() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    MailboxCredential wrong = new MailboxCredential(mailbox.emailAddress(), "not-the-password", mailbox.settings());

    Throwable failure = failure(server.provider().search(wrong, "", List.of(), 10, Optional.empty()));

    assertThat(failure).isInstanceOf(ProviderUnauthorizedException.class);
  }

  @Test
  void pooledConnectionIsNotReusedWithAnotherPassword() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    await(server.provider().search(mailbox, "", List.of(), 10, Optional.empty()));
    MailboxCredential wrong = new MailboxCredential(mailbox.emailAddress(), "guessed", mailbox.settings());

    assertThat(failure(server.provider().search(wrong, "", List.of(), 10, Optional.empty())))
        .isInstanceOf(ProviderUnauthorizedException.class);
  }

  @Test
  void unreachableImapServerIsProviderUnavailableWithoutThePassword() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    ImapSettings reachable = ImapSettings.fromMap(mailbox.settings());
    ImapSettings closedPort = new ImapSettings("127.0.0.1", freePort(), ImapSettings.Security.NONE,
        reachable.smtpHost(), reachable.smtpPort(), ImapSettings.Security.NONE, reachable.username());

    GatewayException failure = gatewayFailure(
        server.provider().verifyLogin(closedPort, mailbox.emailAddress(), mailbox.credential(), EgressConfig.none()));

    assertThat(failure.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE);
    assertThat(failure.retryDelay()).isPresent();
    assertThat(failure.getMessage()).contains("IMAP").doesNotContain(mailbox.credential());
  }

  @Test
  void unreachableSmtpServerIsProviderUnavailableNamingSmtp() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    ImapSettings reachable = ImapSettings.fromMap(mailbox.settings());
    ImapSettings closedSmtp = new ImapSettings(reachable.imapHost(), reachable.imapPort(), ImapSettings.Security.NONE,
        "127.0.0.1", freePort(), ImapSettings.Security.NONE, reachable.username());

    GatewayException failure = gatewayFailure(
        server.provider().verifyLogin(closedSmtp, mailbox.emailAddress(), mailbox.credential(), EgressConfig.none()));

    assertThat(failure.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE);
    assertThat(failure.getMessage()).contains("SMTP").doesNotContain(mailbox.credential());
  }

  @Test
  void tlsAgainstAPlainServerIsProviderUnavailable() throws Exception {
    MailboxCredential mailbox = server.newMailbox("login");
    ImapSettings plain = ImapSettings.fromMap(mailbox.settings());
    ImapSettings tls = new ImapSettings(plain.imapHost(), plain.imapPort(), ImapSettings.Security.SSL_TLS,
        plain.smtpHost(), plain.smtpPort(), ImapSettings.Security.STARTTLS, plain.username());

    GatewayException failure = gatewayFailure(
        server.provider().verifyLogin(tls, mailbox.emailAddress(), mailbox.credential(), EgressConfig.none()));

    assertThat(failure.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE);
    assertThat(failure.getMessage()).doesNotContain(mailbox.credential());
  }

  @Test
  void settingsRoundTripThroughTheStoredMap() {
    ImapSettings settings = new ImapSettings("imap.example.org", 993, ImapSettings.Security.SSL_TLS,
        "smtp.example.org", 587, ImapSettings.Security.STARTTLS, "ada");

    assertThat(ImapSettings.fromMap(settings.toMap())).isEqualTo(settings);
    assertThat(settings.toMap()).containsOnlyKeys("imap_host", "imap_port", "imap_security", "smtp_host", "smtp_port",
        "smtp_security", "username");
    assertThat(settings.violations()).isEmpty();
    assertThat(new ImapSettings("", 0, null, "smtp", 70_000, null, "").violations())
        .extracting(v -> v.field()).containsExactly("imap_host", "imap_port", "smtp_port");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
