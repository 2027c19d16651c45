package dev.mailgate.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Mail keeps arriving in watched Gmail, Outlook and IMAP (GreenMail) mailboxes while the gateway process
 * ({@link CrashableGateway}, polling every 300 ms) is SIGKILLed at random and started again; a
 * client reads ListMailboxEvents from its cursor, retrying while the gateway is down. At the end
 * every message has its MESSAGE_ADDED, and a message reported twice is the same event (same
 * {@code event_id} and {@code sequence}) read twice, never a second event: the feed's cursor and
 * the events it produced commit together.
 *
 * <p>{@code mailgate.crashtest.arrivals} (default 30 per mailbox, for CI) and
 * {@code mailgate.crashtest.killEveryArrivals} (10) size it.
 */
class EventCrashTest {

  private static final int ARRIVALS = Integer.getInteger("mailgate.crashtest.arrivals", 30);
  private static final long KILL_EVERY = Long.getLong("mailgate.crashtest.killEveryArrivals", 10);

  @Test
  void everyArrivalIsOneEventThoughTheGatewayIsKilledWhileItWatches() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    String database = "evcrash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    postgres.createDatabase(database);
    Path dir = Files.createTempDirectory("mailgate-event-crash");
    Path tenants = Files.createDirectories(dir.resolve("tenants"));
    Files.writeString(tenants.resolve("acme.yaml"), TestGateway.tenantYaml("acme", database, TestGateway.ACME_KEY));
    int port = FreePort.pick();
    Vertx vertx = Vertx.vertx();
    LocalProviders providers = LocalProviders.start(vertx, true);
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    var mail = MailServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
    GatewaySupervisor gateway = new GatewaySupervisor(dir, tenants, port, providers, postgres, channel,
        List.of("-Dcrash.leaseMillis=2000", "-Dcrash.callLimitMillis=1000", "-Dcrash.killAfterAcceptedProbability=0",
            "-Dcrash.watchPollMillis=300"));
    try {
      gateway.startAndAwaitReady();
      List<EventReader> readers = new ArrayList<>();
      List<GatewaySupervisor.Account> accounts = new ArrayList<>(List.of(
          GatewaySupervisor.connect(channel, Provider.PROVIDER_GMAIL, "gmail.test"),
          GatewaySupervisor.connect(channel, Provider.PROVIDER_OUTLOOK, "outlook.test"),
          connectImap(channel, providers)));
      for (GatewaySupervisor.Account account : accounts) {
        EventReader reader = new EventReader(mail, account, providers);
        reader.awaitWatched();
        readers.add(reader);
      }

      AtomicLong delivered = new AtomicLong();
      Thread killer = new Thread(() -> gateway.killAtRandom(delivered::get, KILL_EVERY), "event-crash-killer");
      killer.start();
      for (int i = 0; i < ARRIVALS; i++) {
        for (EventReader reader : readers) {
          reader.deliver("arrival " + i + " " + UUID.randomUUID());
          delivered.incrementAndGet();
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(150, 400));
        readers.forEach(EventReader::readSome);
      }
      gateway.stop();
      killer.join();
      gateway.startAndAwaitReady();
      for (EventReader reader : readers) {
        reader.readUntilAll(TimeUnit.SECONDS.toNanos(90));
      }

      System.out.printf("event crash test: %d arrivals per mailbox, %d gateway starts, %d SIGKILLs%n",
          ARRIVALS, gateway.starts.get(), gateway.killsByTest.get());
      assertThat(gateway.killsByTest.get()).as("kills").isPositive();
      for (EventReader reader : readers) {
        reader.check();
      }
    } finally {
      gateway.stop();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      providers.close();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  /** A new user's GreenMail mailbox, connected with its password. */
  private static GatewaySupervisor.Account connectImap(ManagedChannel channel, LocalProviders providers) {
    String userId = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    String address = userId + "@imap.test";
    providers.mailServer().setUser(address, address, "secret-" + userId);
    UserServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    var connection = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
        .createImapConnection(ProviderMailbox.imapRequest(providers.mailServer(), userId, address, "secret-" + userId)
            .build());
    return new GatewaySupervisor.Account(Provider.PROVIDER_IMAP, userId, address, connection.getConnectionId());
  }
}
