package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.store.Page;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapConnectionPoolTest {

  private static final Duration IDLE = Duration.ofMillis(300);

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer(IDLE);

  private static Page<MessageSummary> inbox(MailboxCredential mailbox) throws Exception {
    return await(server.provider().search(mailbox, "", List.of(), 10, Optional.empty()));
  }

  @Test
  void oneConnectionServesAMailboxsCallsAndClosesWhenIdle() throws Exception {
    MailboxCredential mailbox = server.newMailbox("pool");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "kept", "x", ""));

    String first = inbox(mailbox).items().get(0).messageId();
    String second = inbox(mailbox).items().get(0).messageId();
    assertThat(server.provider().pooledConnections()).isEqualTo(1);
    assertThat(second).isEqualTo(first);

    waitUntilNoPooledConnection();
    assertThat(inbox(mailbox).items()).extracting(MessageSummary::messageId).containsExactly(first);
    assertThat(server.provider().pooledConnections()).isEqualTo(1);
  }

  @Test
  void droppedPooledConnectionIsReopenedOnceAndTheCallSucceeds() throws Exception {
    MailboxCredential mailbox = server.newMailbox("pool");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "survives", "x", ""));
    inbox(mailbox);
    IMAPStore pooled = pooledStore(mailbox);

    pooled.close();

    assertThat(inbox(mailbox).items()).extracting(MessageSummary::subject).containsExactly("survives");
    assertThat(pooledStore(mailbox)).isNotSameAs(pooled);
    assertThat(pooledStore(mailbox).isConnected()).isTrue();
  }

  @Test
  void thePoolKeepsAtMostItsBoundOfMailboxesAndServesTheOthersUnpooled() throws Exception {
    ImapProvider bounded = server.newProvider(Duration.ofMinutes(5), 1);
    try {
      MailboxCredential first = server.newMailbox("bound");
      MailboxCredential second = server.newMailbox("bound");
      server.deliver(first, mail("ada@example.org", first.emailAddress(), "one", "x", ""));
      server.deliver(second, mail("ada@example.org", second.emailAddress(), "two", "x", ""));

      assertThat(await(bounded.search(first, "", List.of(), 10, Optional.empty())).items())
          .extracting(MessageSummary::subject).containsExactly("one");
      for (int i = 0; i < 3; i++) {
        assertThat(await(bounded.search(second, "", List.of(), 10, Optional.empty())).items())
            .extracting(MessageSummary::subject).containsExactly("two");
        assertThat(bounded.pooledConnections()).as("pooled stores").isEqualTo(1);
      }
    } finally {
      bounded.close().await(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void openConnectionsShareOneWriteTimeoutThreadInsteadOfOneEach() throws Exception {
    ImapProvider pooled = server.newProvider(Duration.ofMinutes(5), 50);
    try {
      long before = clientSideThreads();
      for (int i = 0; i < 30; i++) {
        MailboxCredential mailbox = server.newMailbox("threads");
        await(pooled.search(mailbox, "", List.of(), 10, Optional.empty()));
      }
      assertThat(pooled.pooledConnections()).isEqualTo(30);
      // Jakarta Mail's own write timeout starts a thread per open socket: 30 or more here.
      assertThat(clientSideThreads() - before).isLessThan(10);
    } finally {
      pooled.close().await(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Live threads but the in-process GreenMail server's, which has one per client connection. */
  private static long clientSideThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.getName().startsWith("imap:") && !t.getName().startsWith("smtp:")).count();
  }

  private static IMAPStore pooledStore(MailboxCredential mailbox) throws Exception {
    ImapSettings settings = ImapSettings.fromMap(mailbox.settings());
    try (ImapConnection lease = server.provider().connections().open(settings, mailbox.emailAddress(),
        mailbox.credential(), server.provider().guard(mailbox))) {
      assertThat(lease.reused()).isTrue();
      return lease.store();
    }
  }

  private static void waitUntilNoPooledConnection() throws InterruptedException {
    long deadline = System.currentTimeMillis() + IDLE.toMillis() * 10;
    while (server.provider().pooledConnections() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.provider().pooledConnections()).as("pooled connections after the idle timeout").isZero();
  }
}
