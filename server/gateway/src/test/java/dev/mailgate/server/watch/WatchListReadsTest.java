package dev.mailgate.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst of connects reads the tenant's list of watchable connections one read at a time: each
 * read holds the whole list, and one read per connect, all at once, ran a gateway with 5,000
 * watched mailboxes out of heap. Every mailbox of the burst is still watched.
 */
class WatchListReadsTest {

  private static final int MAILBOXES = 24;

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withWatch(
      WatchPolicy.DEFAULT.withIntervals(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMinutes(5))));

  @Test
  void aBurstOfConnectsReadsTheListOneReadAtATimeAndWatchesEveryMailbox() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(12);
    try {
      List<CompletableFuture<Connection>> connected = new ArrayList<>();
      for (int i = 0; i < MAILBOXES; i++) {
        connected.add(CompletableFuture.supplyAsync(() -> {
          String userId = Mailboxes.newUserId("burst");
          try {
            return ProviderMailbox.GMAIL.connect(gateway.get(), userId, userId + "@gmail.test");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, callers));
      }
      MailboxWatcher watcher = gateway.get().server().watcher();
      for (CompletableFuture<Connection> connection : connected) {
        WatchKey key = new WatchKey("acme", UUID.fromString(connection.get(60, TimeUnit.SECONDS).getConnectionId()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!watcher.watching(key).await(5, TimeUnit.SECONDS)) {
          assertThat(System.nanoTime()).as("watched: %s", key).isLessThan(deadline);
          Thread.sleep(50);
        }
      }
      assertThat(watcher.mostListReadsAtOnce()).isEqualTo(1);
    } finally {
      callers.shutdownNow();
    }
  }
}
