package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.watch.MailboxIdle;
import dev.mailgate.server.watch.MailboxIdle.Handle;
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.WatchKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapIdleWatcherTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private ImapIdleWatcher watcher = new ImapIdleWatcher(server.provider(), 2, Duration.ofMillis(400));

  @AfterEach
  void stop() throws Exception {
    await(watcher.close());
  }

  private static WatchKey key() {
    return new WatchKey("t1", UUID.randomUUID());
  }

  private static void deliver(MailboxCredential mailbox, String subject) {
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), subject, "body", ""));
  }

  /** Waits until the IDLE is in place (its first IDLE command was issued). */
  private void awaitIdling(long commandsBefore) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (watcher.idleCommands() <= commandsBefore && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(watcher.idleCommands()).isGreaterThan(commandsBefore);
    Thread.sleep(100);
  }

  @Test
  void aDeliveryWakesTheWatcherWithinASecondAndAgainAfterTheIdleIsReissued() throws Exception {
    MailboxCredential mailbox = server.newMailbox("idle");
    Semaphore wakeups = new Semaphore(0);
    Handle handle = watcher.idle(key(), mailbox, wakeups::release);
    assertThat(handle.idling()).isTrue();
    awaitIdling(0);

    deliver(mailbox, "first");
    assertThat(wakeups.tryAcquire(1, TimeUnit.SECONDS)).isTrue();

    long issued = watcher.idleCommands();
    Thread.sleep(1_000);
    assertThat(watcher.idleCommands()).as("IDLE re-issued every 400 ms").isGreaterThanOrEqualTo(issued + 2);
    wakeups.drainPermits();
    deliver(mailbox, "second");
    assertThat(wakeups.tryAcquire(1, TimeUnit.SECONDS)).isTrue();

    MessageSummary second = await(server.provider().search(mailbox, "subject:second", List.of(), 5, Optional.empty()))
        .items().get(0);
    wakeups.drainPermits();
    await(server.provider().trash(mailbox, second.messageId()));
    assertThat(wakeups.tryAcquire(1, TimeUnit.SECONDS)).as("an expunge wakes it too").isTrue();
  }

  @Test
  void aDroppedConnectionIsReopenedAfterABackoffAndWakesTheWatcherForWhatItMayHaveMissed() throws Exception {
    MailboxCredential mailbox = server.newMailbox("idle");
    Semaphore wakeups = new Semaphore(0);
    Handle handle = watcher.idle(key(), mailbox, wakeups::release);
    awaitIdling(0);

    watcher.dropConnections();
    deliver(mailbox, "while dropped");

    assertThat(wakeups.tryAcquire(5, TimeUnit.SECONDS)).as("woken on reconnect").isTrue();
    awaitIdling(watcher.idleCommands());
    wakeups.drainPermits();
    deliver(mailbox, "after reconnect");
    assertThat(wakeups.tryAcquire(1, TimeUnit.SECONDS)).isTrue();
    assertThat(handle.idling()).isTrue();
  }

  @Test
  void aDropSaysTheIdleStoppedUntilItIsBack() throws Exception {
    MailboxCredential mailbox = server.newMailbox("idle");
    Semaphore wakeups = new Semaphore(0);
    Semaphore stops = new Semaphore(0);
    Handle handle = watcher.idle(key(), mailbox, wakeups::release, stops::release);
    awaitIdling(0);
    assertThat(handle.running()).isTrue();

    watcher.dropConnections();

    assertThat(stops.tryAcquire(5, TimeUnit.SECONDS)).as("told the IDLE stopped").isTrue();
    assertThat(wakeups.tryAcquire(5, TimeUnit.SECONDS)).as("woken on reconnect").isTrue();
    assertThat(handle.running()).isTrue();
    handle.close();
    assertThat(handle.running()).isFalse();
    assertThat(stops.availablePermits()).as("closing is not a stop to report").isZero();
  }

  @Test
  void idleThreadsAreDaemons() throws Exception {
    Handle handle = watcher.idle(key(), server.newMailbox("idle"), () -> {});
    awaitIdling(0);
    assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("mailgate-imap-idle-"))).isNotEmpty().allMatch(Thread::isDaemon);
    handle.close();
  }

  @Test
  void aClosedIdleNoLongerWakesAndFreesItsPlace() throws Exception {
    MailboxCredential mailbox = server.newMailbox("idle");
    Semaphore wakeups = new Semaphore(0);
    Handle handle = watcher.idle(key(), mailbox, wakeups::release);
    awaitIdling(0);

    handle.close();
    handle.close();
    deliver(mailbox, "after close");

    assertThat(wakeups.tryAcquire(1_500, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(watcher.idling()).isZero();
  }

  @Test
  void beyondTheCapMailboxesArePolledOnlyUntilAPlaceFrees() throws Exception {
    Handle first = watcher.idle(key(), server.newMailbox("idle"), () -> {});
    Handle second = watcher.idle(key(), server.newMailbox("idle"), () -> {});
    Handle third = watcher.idle(key(), server.newMailbox("idle"), () -> {});

    assertThat(first.idling()).isTrue();
    assertThat(second.idling()).isTrue();
    assertThat(third.idling()).isFalse();
    first.close();
    MailboxCredential mailbox = server.newMailbox("idle");
    Semaphore wakeups = new Semaphore(0);
    Handle fourth = watcher.idle(key(), mailbox, wakeups::release);
    assertThat(fourth.idling()).isTrue();
    long before = watcher.idleCommands();
    awaitIdling(before);
    deliver(mailbox, "in");
    assertThat(wakeups.tryAcquire(2, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aRefusedLoginNeverWakesAndIsRetriedQuietly() throws Exception {
    MailboxCredential mailbox = server.newMailbox("idle");
    MailboxCredential wrong = new MailboxCredential(mailbox.emailAddress(), "wrong", mailbox.settings());
    Semaphore wakeups = new Semaphore(0);
    Handle handle = watcher.idle(key(), wrong, wakeups::release);

    deliver(mailbox, "unseen");

    assertThat(wakeups.tryAcquire(1_500, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(watcher.idleCommands()).isZero();
    handle.close();
  }

  @Test
  void theModuleOffersTheFeedAndTheIdleAsCapabilities() {
    ImapProviderModule module = new ImapProviderModule(server.provider(), watcher);
    assertThat(module.capability(ChangeFeed.class)).get().isInstanceOf(ImapChangeFeed.class);
    assertThat(module.capability(MailboxIdle.class)).contains(watcher);
    assertThat(module.capability(String.class)).isEmpty();
  }
}
