package dev.mailgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.watch.WatchPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import io.vertx.grpc.client.GrpcClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook latency bench's parts against the real gateway (TestGateway, watching a sandbox Gmail
 * mailbox every 500 ms): the endpoint created through the public API points at the load
 * generator's receiver, mail delivered into the sandbox arrives there as signed POSTs the receiver
 * verifies and times, and a request with a tampered body is rejected. CI runs it: a few messages.
 */
class WebhookLatencySmokeTest {

  private static TestGateway gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(java.util.Map.of(), options -> options
        .withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(1)))
        .withWebhooks(options.webhooks().withIntervals(Duration.ofMillis(200), Duration.ofMillis(500))));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void mailArrivesAsVerifiedSignedPostsAndATamperedOneIsRejected() throws Exception {
    String userId = Mailboxes.newUserId("hooks");
    String address = userId + "@gmail.test";
    UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    Mailboxes.connect(gateway, TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, address);
    GrpcClient grpc = GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    try (WebhookReceiver receiver = new WebhookReceiver(vertx)) {
      String url = receiver.start().await(10, TimeUnit.SECONDS);
      receiver.secret(EventsWebhooks.createEndpoint(grpc, "127.0.0.1:" + gateway.port(),
          new Tenants.Credentials("acme", TestGateway.ACME_KEY), url).await(10, TimeUnit.SECONDS));

      // The mailbox is watched once a probe's POST arrived (mail before the first read is not reported).
      DeliveryLedger probe = new DeliveryLedger("probe");
      receiver.register(probe);
      do {
        deliver(probe, address);
      } while (!probe.awaitAll(Duration.ofSeconds(3)));

      DeliveryLedger ledger = new DeliveryLedger("hook1");
      receiver.register(ledger);
      for (int i = 0; i < 3; i++) {
        deliver(ledger, address);
        Thread.sleep(200);
      }
      assertThat(ledger.awaitAll(Duration.ofSeconds(15))).as("every message's POST arrived").isTrue();
      DeliveryLedger.Stats stats = ledger.stats().get("Gmail");
      assertThat(stats.count()).isEqualTo(3);
      assertThat(stats.p50Ms()).isPositive().isLessThanOrEqualTo(stats.p99Ms());
      assertThat(receiver.rejected()).isZero();
      long verified = receiver.verified();
      assertThat(verified).isGreaterThanOrEqualTo(4);

      int tampered = WebClient.create(vertx).requestAbs(HttpMethod.POST, url)
          .putHeader("webhook-id", "msg_x").putHeader("webhook-timestamp", Long.toString(System.currentTimeMillis() / 1000))
          .putHeader("webhook-signature", "v1,AAAA").sendBuffer(Buffer.buffer("{\"type\":\"x\"}"))
          .await(10, TimeUnit.SECONDS).statusCode();
      assertThat(tampered).isEqualTo(401);
      assertThat(receiver.rejected()).isEqualTo(1);
      assertThat(receiver.verified()).isEqualTo(verified);
    } finally {
      grpc.close();
    }
  }

  private static void deliver(DeliveryLedger ledger, String address) {
    String subject = ledger.nextSubject();
    ledger.stamp(subject, "Gmail", System.nanoTime());
    gateway.providers().sandbox().gmail().deliver(address,
        Mailboxes.mail("ada@example.org", address, subject, "hello", "", null), List.of("INBOX", "UNREAD"));
  }
}
