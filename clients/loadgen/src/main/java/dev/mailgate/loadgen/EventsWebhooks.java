package dev.mailgate.loadgen;

import dev.mailgate.proto.v1.CreateWebhookEndpointRequest;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WebhookEndpoint;
import dev.mailgate.proto.v1.WebhookServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code webhooks} part of {@code bench events} (issue 13): on the push gateway, a webhook
 * endpoint of tenant acme whose URL is a {@link WebhookReceiver} in this process; mail delivered
 * into the latency mailboxes as the latency part does (providers taking turns, one message every
 * {@code --latency-spacing}), and each message timed from its delivery into the sandbox to the
 * signed POST of its MESSAGE_ADDED verified by the receiver. {@code --webhook-rounds} rounds of
 * {@code --latency-messages} per provider; p50 and p99 are judged on the median of the rounds.
 */
final class EventsWebhooks {

  /** Issue 13's target: webhook delivery p99 at most 2 s on this machine. */
  static final double MAX_P99_MS = 2000;

  private final EventsBench bench;
  private final EventsGateway g;
  private final List<BenchMailbox> boxes;
  private final BenchSection section;

  EventsWebhooks(EventsBench bench, EventsGateway g, List<BenchMailbox> boxes, BenchSection section) {
    this.bench = bench;
    this.g = g;
    this.boxes = boxes;
    this.section = section;
  }

  /**
   * Creates an enabled endpoint for MESSAGE_ADDED of every user at {@code url}, through the
   * gateway's public API; the answer is its secret (shown only then).
   */
  static Future<String> createEndpoint(GrpcClient grpc, String hostPort, Tenants.Credentials credentials, String url) {
    int colon = hostPort.lastIndexOf(':');
    SocketAddress address = SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)),
        hostPort.substring(0, colon));
    return GatewayCalls.unary(grpc, address, credentials, WebhookServiceGrpcClient.CreateWebhookEndpoint,
        CreateWebhookEndpointRequest.newBuilder().setWebhookEndpoint(WebhookEndpoint.newBuilder().setUrl(url)
            .addEventTypes(MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED).setEnabled(true)).build())
        .map(created -> created.getSecret());
  }

  void run() throws Exception {
    EventsOptions options = bench.options();
    GrpcClient grpc = GrpcClient.client(bench.vertx(), new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    try (WebhookReceiver receiver = new WebhookReceiver(bench.vertx())) {
      String url = receiver.start().await(10, TimeUnit.SECONDS);
      receiver.secret(createEndpoint(grpc, g.gateway.address, g.credentials(), url).await(30, TimeUnit.SECONDS));
      Duration spacing = LoadgenCli.parseDuration(options.latencySpacing);
      List<BenchMailbox> targets = LatencyPlan.interleave(boxes, options.latencyMessages);
      String load = "push gateway, " + options.latencyMessages + " msgs/provider, one every " + spacing.toMillis()
          + " ms";
      bench.out().printf("webhooks: endpoint at %s; %d rounds of %d messages, one every %d ms ...%n", url,
          options.webhookRounds, targets.size(), spacing.toMillis());
      bench.out().flush();
      List<Double> p50s = new ArrayList<>();
      List<Double> p99s = new ArrayList<>();
      long missing = 0;
      long failed = 0;
      long duplicates = 0;
      Duration timeout = g.pollInterval.plusSeconds(15);
      for (int round = 1; round <= options.webhookRounds; round++) {
        DeliveryLedger ledger = new DeliveryLedger("hook" + round);
        receiver.register(ledger);
        bench.deliverAtRate(g, ledger, targets, 1e9 / spacing.toNanos());
        ledger.awaitAll(timeout);
        DeliveryLedger.Stats all = ledger.stats().values().stream().filter(s -> s.provider().equals("all"))
            .findFirst().orElseGet(() -> ledger.stats().values().iterator().next());
        p50s.add(all.p50Ms());
        p99s.add(all.p99Ms());
        missing += ledger.outstanding();
        failed += ledger.failedCount();
        duplicates += ledger.duplicates();
        bench.out().printf("webhooks round %d:%n", round);
        bench.printStats(ledger);
      }
      boolean clean = failed == 0;
      section.checks.add(BenchCheck.atMost("events", load, "webhooks: p99 delivery into the sandbox -> signed POST"
          + " verified by the receiver", Rounds.Spread.of(p99s), 0, " ms", MAX_P99_MS, clean));
      section.checks.add(BenchCheck.info("events", load, "webhooks: p50 delivery -> signed POST",
          Rounds.Spread.of(p50s), 0, " ms", clean));
      section.checks.add(BenchCheck.atMost("events", load, "webhooks: events not received within "
          + timeout.toSeconds() + " s (failed deliveries " + failed + ", duplicates " + duplicates + ")",
          missing, 0, "", 0, clean));
      section.checks.add(BenchCheck.atMost("events", load, "webhooks: requests whose signature or timestamp"
          + " did not verify (of " + (receiver.verified() + receiver.rejected()) + ")", receiver.rejected(), 0, "",
          0, clean));
    } finally {
      grpc.close();
    }
  }
}
