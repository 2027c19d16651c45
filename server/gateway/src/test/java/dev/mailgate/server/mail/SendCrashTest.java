package dev.mailgate.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Sends many messages through a gateway process ({@link CrashableGateway}) that is SIGKILLed at
 * random moments by this test and, at random sends, by itself between the provider's acceptance
 * and the database commit; the client retries each send with its request_id until it is answered.
 * PostgreSQL and the Gmail and Graph sandboxes live in this JVM and survive the kills. At the end
 * every request's Message-ID must be in its sandbox mailbox's sent folder exactly once.
 *
 * <p>Sizes are system properties: {@code mailgate.crashtest.sends} (default 150, for CI),
 * {@code .concurrency} (16), {@code .selfKillProbability} (0.01 per send), {@code .killEverySends}
 * (the test kills the gateway after a random 0.5 to 1.5 times this many answered sends since its
 * start, default 50: killing by time alone would kill a cold gateway on a busy machine before it
 * answers anything), {@code .graphFilingMillis} (300).
 */
class SendCrashTest {

  private static final int SENDS = Integer.getInteger("mailgate.crashtest.sends", 150);
  private static final int CONCURRENCY = Integer.getInteger("mailgate.crashtest.concurrency", 16);
  private static final double SELF_KILL = Double.parseDouble(System.getProperty("mailgate.crashtest.selfKillProbability", "0.01"));
  private static final long KILL_EVERY = Long.getLong("mailgate.crashtest.killEverySends", 50);
  private static final Duration GRAPH_FILING = Duration.ofMillis(Long.getLong("mailgate.crashtest.graphFilingMillis", 300));
  private static final int USERS_PER_PROVIDER = 2;

  private record Send(GatewaySupervisor.Account account, String requestId) {
    String header() {
      return SendService.messageIdHeader("acme", account.userId(), requestId);
    }
  }

  @Test
  void everySendIsInTheMailboxExactlyOnceThoughTheGatewayIsKilledBetweenProviderAndCommit() throws Exception {
    long began = System.nanoTime();
    TestPostgres postgres = TestPostgres.get();
    String database = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    postgres.createDatabase(database);
    Path dir = Files.createTempDirectory("mailgate-crash");
    Path tenants = Files.createDirectories(dir.resolve("tenants"));
    Files.writeString(tenants.resolve("acme.yaml"), TestGateway.tenantYaml("acme", database, TestGateway.ACME_KEY));
    int port = FreePort.pick();
    Vertx vertx = Vertx.vertx();
    LocalProviders providers = LocalProviders.start(vertx, true);
    providers.sandbox().graph().filingDelay(GRAPH_FILING);
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(8 * 1024 * 1024).build();
    Client client = new Client(channel);
    GatewaySupervisor gateway = new GatewaySupervisor(dir, tenants, port, providers, postgres, channel,
        List.of("-Dcrash.leaseMillis=2000", "-Dcrash.callLimitMillis=1000", "-Dcrash.killAfterAcceptedProbability=" + SELF_KILL));
    try {
      gateway.startAndAwaitReady();
      List<GatewaySupervisor.Account> accounts = new ArrayList<>();
      for (int i = 0; i < USERS_PER_PROVIDER; i++) {
        accounts.add(GatewaySupervisor.connect(channel, Provider.PROVIDER_GMAIL, "gmail.test"));
        accounts.add(GatewaySupervisor.connect(channel, Provider.PROVIDER_OUTLOOK, "outlook.test"));
      }
      List<Send> sends = new ArrayList<>();
      for (int i = 0; i < SENDS; i++) {
        sends.add(new Send(accounts.get(i % accounts.size()), "crash-" + i + "-" + UUID.randomUUID()));
      }

      Thread killer = new Thread(() -> gateway.killAtRandom(client.answered::get, KILL_EVERY), "crash-test-killer");
      killer.start();
      ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
      for (Send send : sends) {
        callers.submit(() -> client.sendUntilAnswered(send));
      }
      callers.shutdown();
      assertThat(callers.awaitTermination(60, TimeUnit.MINUTES)).as("all sends answered").isTrue();
      gateway.stop();
      killer.join();
      Thread.sleep(GRAPH_FILING.plusSeconds(1).toMillis()); // Graph files the last sends

      Map<String, Long> filed = new HashMap<>();
      for (GatewaySupervisor.Account account : accounts) {
        List<String> headers = account.provider() == Provider.PROVIDER_GMAIL
            ? providers.sandbox().gmail().messageIdHeaders(account.address(), "SENT")
            : providers.sandbox().graph().internetMessageIds(account.address(), "sentitems");
        headers.forEach(h -> filed.merge(h, 1L, Long::sum));
      }
      long duplicates = sends.stream().filter(s -> filed.getOrDefault(s.header(), 0L) > 1).count();
      long lost = sends.stream().filter(s -> filed.getOrDefault(s.header(), 0L) == 0).count();
      System.out.printf("send crash test: %d sends (%s), %d gateway starts, %d SIGKILLs by the test, %d by the gateway "
              + "itself between provider and commit, %d retries (%s), %d duplicates, %d lost, %.1f s%n",
          SENDS, sends.stream().collect(Collectors.groupingBy(s -> s.account().provider(), Collectors.counting())),
          gateway.starts.get(), gateway.killsByTest.get(), gateway.killsBySelf.get(), client.retries.get(),
          client.retriedCodes, duplicates, lost, (System.nanoTime() - began) / 1e9);

      assertThat(client.refused).as("answers that are not retryable").isEmpty();
      assertThat(duplicates).as("messages sent more than once").isZero();
      assertThat(lost).as("answered sends missing from the mailbox").isZero();
      assertThat(filed.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(SENDS);
      assertThat(gateway.killsByTest.get() + gateway.killsBySelf.get()).as("kills").isPositive();
    } finally {
      gateway.stop();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      providers.close();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  /** Retries each send with its request_id until the gateway answers it. */
  private static final class Client {
    private static final Set<Status.Code> REFUSALS = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.ALREADY_EXISTS,
        Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.FAILED_PRECONDITION);

    final MailServiceGrpc.MailServiceBlockingStub mail;
    final AtomicLong retries = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final Map<String, AtomicInteger> retriedCodes = new ConcurrentHashMap<>();
    final List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());

    Client(ManagedChannel channel) {
      this.mail = MailServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
    }

    void sendUntilAnswered(Send send) {
      SendMessageRequest request = SendMessageRequest.newBuilder().setUserId(send.account().userId())
          .setConnectionId(send.account().connectionId()).setRequestId(send.requestId())
          .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))
              .setSubject("crash " + send.requestId()).setTextBody("exactly once"))
          .build();
      while (true) {
        try {
          mail.withDeadlineAfter(20, TimeUnit.SECONDS).sendMessage(request);
          answered.incrementAndGet();
          return;
        } catch (StatusRuntimeException e) {
          Status.Code code = e.getStatus().getCode();
          if (REFUSALS.contains(code)) {
            refused.add(send.requestId() + ": " + e.getStatus());
            return;
          }
          retries.incrementAndGet();
          String reason = reason(e);
          retriedCodes.computeIfAbsent(code + (reason.isEmpty() ? "" : "/" + reason), k -> new AtomicInteger()).incrementAndGet();
          sleep(backoff(e));
        }
      }
    }

    private static String reason(StatusRuntimeException e) {
      com.google.rpc.Status details = StatusProto.fromThrowable(e);
      if (details == null) {
        return "";
      }
      return details.getDetailsList().stream().filter(d -> d.is(com.google.rpc.ErrorInfo.class)).findFirst().map(d -> {
        try {
          return d.unpack(com.google.rpc.ErrorInfo.class).getReason();
        } catch (Exception notErrorInfo) {
          return "";
        }
      }).orElse("");
    }

    private static long backoff(StatusRuntimeException e) {
      com.google.rpc.Status details = StatusProto.fromThrowable(e);
      long jitter = ThreadLocalRandom.current().nextLong(50, 200);
      if (details != null) {
        for (var detail : details.getDetailsList()) {
          if (detail.is(RetryInfo.class)) {
            try {
              var delay = detail.unpack(RetryInfo.class).getRetryDelay();
              return Math.min(1000, delay.getSeconds() * 1000 + delay.getNanos() / 1_000_000) + jitter;
            } catch (Exception notRetryInfo) {
              return jitter;
            }
          }
        }
      }
      return jitter;
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
