package dev.mailgate.server.provider.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MimeComposer;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.mail.OutgoingAttachment;
import dev.mailgate.server.mail.OutgoingMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.Flags;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A GreenMail IMAP + SMTP server on free loopback ports and an {@link ImapProvider} pointed at
 * it, for one test class. Each test makes its own mailboxes, so tests do not share state.
 */
final class ImapTestServer implements BeforeAllCallback, AfterAllCallback {

  private final Duration idleTimeout;
  private GreenMail greenMail;
  private Vertx vertx;
  private ImapProvider provider;

  ImapTestServer() {
    this(Duration.ofMinutes(5));
  }

  ImapTestServer(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort()});
    greenMail.start();
    vertx = Vertx.vertx();
    provider = newProvider(idleTimeout);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    provider.close().await(20, TimeUnit.SECONDS);
    vertx.close().await(20, TimeUnit.SECONDS);
    greenMail.stop();
  }

  ImapProvider provider() {
    return provider;
  }

  /** Another provider on the same server (a new set of sessions, as after a gateway restart). */
  ImapProvider newProvider(Duration idle) {
    return new ImapProvider(vertx, 4, idle, new dev.mailgate.server.testing.TestEgress().devPolicy());
  }

  /** Another provider that pools at most {@code maxPooled} mailboxes' stores. */
  ImapProvider newProvider(Duration idle, int maxPooled) {
    return new ImapProvider(vertx, 4, 16, maxPooled, idle, dev.mailgate.server.OutboundTimeouts.DEFAULT,
        new dev.mailgate.server.testing.TestEgress().devPolicy());
  }

  GreenMail greenMail() {
    return greenMail;
  }

  ImapSettings settings(String login) {
    return new ImapSettings("127.0.0.1", greenMail.getImap().getPort(), ImapSettings.Security.NONE, "127.0.0.1",
        greenMail.getSmtp().getPort(), ImapSettings.Security.NONE, login);
  }

  /** A new GreenMail user (login = address) and the gateway's view of its mailbox. */
  MailboxCredential newMailbox(String name) {
    String address = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@mailgate.test";
    String password = "pw-" + UUID.randomUUID();
    greenMail.setUser(address, address, password);
    return new MailboxCredential(address, password, settings(address).toMap());
  }

  /** Puts a message in the mailbox's INBOX, unread, received now. */
  void deliver(MailboxCredential mailbox, byte[] rfc822) {
    user(mailbox).deliver(MimeReader.parse(rfc822));
  }

  /** Puts a message in the mailbox's INBOX, unread, as received at {@code when}. */
  void deliverAt(MailboxCredential mailbox, byte[] rfc822, Date when) throws Exception {
    greenMail.getManagers().getImapHostManager().getInbox(user(mailbox))
        .appendMessage(MimeReader.parse(rfc822), new Flags(), when);
  }

  /** Deletes everything in the mailbox's INBOX, behind the provider's back. */
  void clearInbox(MailboxCredential mailbox) throws Exception {
    greenMail.getManagers().getImapHostManager().getInbox(user(mailbox)).deleteAllMessages();
  }

  private GreenMailUser user(MailboxCredential mailbox) {
    return greenMail.getUserManager().getUser(mailbox.emailAddress());
  }

  /** An RFC 5322 message with a fresh Message-ID. */
  static byte[] mail(String from, String to, String subject, String text, String html, OutgoingAttachment... attachments) {
    OutgoingMessage message = new OutgoingMessage(List.of(MailAddress.of(to)), List.of(), List.of(), subject, text, html,
        List.of(attachments), "");
    return MimeComposer.compose(from, message, "<" + UUID.randomUUID() + "@test.example>", null);
  }

  static OutgoingMessage outgoing(String to, String subject, String text) {
    return new OutgoingMessage(List.of(MailAddress.of(to)), List.of(), List.of(), subject, text, "", List.of(), "");
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  /** The failure of a future that must fail. */
  static Throwable failure(Future<?> future) throws Exception {
    try {
      future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException timeout) {
      throw timeout;
    } catch (Throwable failure) {
      return failure;
    }
    return fail("expected a failure, the call succeeded");
  }

  static GatewayException gatewayFailure(Future<?> future) throws Exception {
    Throwable failure = failure(future);
    assertThat(failure).isInstanceOf(GatewayException.class);
    return (GatewayException) failure;
  }
}
