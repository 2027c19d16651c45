package dev.mailgate.client.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.watch.WatchKey;
import dev.mailgate.server.watch.WatchPolicy;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The resumable watch example against the real gateway: new mail once each, across a disconnect. */
class ResumableWatchTest {

  @Test
  void resumesFromTheSavedCursorAndHandlesEachArrivalOnce() throws Exception {
    try (TestGateway gateway = TestGateway.start(Map.of(),
        o -> o.withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofMillis(300), Duration.ofSeconds(1))))) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
      String user = Mailboxes.newUserId("watcher");
      String address = user + "@imap.test";
      var connection = ProviderMailbox.IMAP.connect(gateway, user, address);
      WatchKey key = new WatchKey("acme", UUID.fromString(connection.getConnectionId()));
      while (!gateway.server().watcher().watching(key).await(5, TimeUnit.SECONDS)) {
        Thread.sleep(50);
      }
      ResumableWatch.Progress progress = new ResumableWatch.Progress();
      List<String> subjects = new ArrayList<>();
      ResumableWatch watch = new ResumableWatch(channel, "acme", TestGateway.ACME_KEY, progress);

      ProviderMailbox.IMAP.deliver(gateway, address, Mailboxes.mail("ada@example.org", address, "one", "1", "", null));
      watch.run(user, event -> subjects.add(event.getMessage().getSubject()), 1);
      String afterOne = progress.cursor();
      ProviderMailbox.IMAP.deliver(gateway, address, Mailboxes.mail("ada@example.org", address, "two", "2", "", null));
      ProviderMailbox.IMAP.deliver(gateway, address, Mailboxes.mail("ada@example.org", address, "three", "3", "", null));
      // A new process with the saved progress resumes after "one" and sees "two" and "three" once each.
      new ResumableWatch(channel, "acme", TestGateway.ACME_KEY, progress)
          .run(user, event -> subjects.add(event.getMessage().getSubject()), 2);

      assertThat(afterOne).isNotEmpty();
      assertThat(subjects).containsExactly("one", "two", "three");
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
