package dev.mailgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of {@code bench events} that need no gateway: the delivery ledger and the delivery plans. */
class EventsPartsTest {

  private static final long MS = 1_000_000L;

  @Test
  void latencyIsFirstArrivalMinusTheLastStampPerProviderAndDuplicatesAreNotTimedAgain() {
    DeliveryLedger ledger = new DeliveryLedger("push");
    String gmail = ledger.nextSubject();
    String imap = ledger.nextSubject();
    assertThat(gmail).isEqualTo("mgbench push 1");
    ledger.stamp(gmail, "Gmail", 1_000 * MS);
    ledger.stamp(imap, "IMAP", 1_000 * MS);
    ledger.stamp(imap, "IMAP", 1_500 * MS); // a retried delivery: the stamp moves to the retry

    assertThat(ledger.arrived(gmail, 1_250 * MS)).isTrue();
    assertThat(ledger.arrived(gmail, 9_000 * MS)).isFalse();
    assertThat(ledger.arrived("mgbench push 99", 9_000 * MS)).isFalse();
    assertThat(ledger.outstanding()).isEqualTo(1);
    assertThat(ledger.outstandingByProvider()).isEqualTo(Map.of("IMAP", 1L));
    assertThat(ledger.arrived(imap, 2_000 * MS)).isTrue();
    ledger.stamp(imap, "IMAP", 5_000 * MS); // too late: it arrived

    Map<String, DeliveryLedger.Stats> stats = ledger.stats();
    assertThat(stats.get("Gmail").p99Ms()).isBetween(249.0, 251.0);
    assertThat(stats.get("IMAP").p99Ms()).isBetween(499.0, 501.0);
    assertThat(stats.get("all").count()).isEqualTo(2);
    assertThat(ledger.duplicates()).isEqualTo(1);
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void aFailedDeliveryIsNotWaitedForAndAwaitAllTimesOutOnAMissingEvent() throws Exception {
    DeliveryLedger ledger = new DeliveryLedger("scale");
    String failed = ledger.nextSubject();
    String missing = ledger.nextSubject();
    ledger.stamp(failed, "Outlook", 0);
    ledger.stamp(missing, "Outlook", 0);
    ledger.failed(failed);

    assertThat(ledger.failedCount()).isEqualTo(1);
    assertThat(ledger.outstandingSubjects()).containsExactly(missing);
    assertThat(ledger.awaitAll(Duration.ofMillis(100))).isFalse();
    assertThat(ledger.arrived(missing, 10 * MS)).isTrue();
    assertThat(ledger.awaitAll(Duration.ofMillis(100))).isTrue();
  }

  @Test
  void onlyBenchSubjectsHaveATag() {
    assertThat(DeliveryLedger.tagOf("mgbench probe3 17")).contains("probe3");
    assertThat(DeliveryLedger.tagOf("mgbench probe3")).isEmpty();
    assertThat(DeliveryLedger.tagOf("mgbench probe3 x7")).isEmpty();
    assertThat(DeliveryLedger.tagOf("Re: mgbench probe3 17")).isEmpty();
    assertThat(DeliveryLedger.tagOf("Quarterly report")).isEmpty();
    assertThat(DeliveryLedger.tagOf(null)).isEmpty();
    assertThatThrownBy(() -> new DeliveryLedger("two words")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void latencyPlanTakesProvidersInTurnAndEachProvidersMailboxesInTurn() {
    List<BenchMailbox> boxes = new ArrayList<>();
    for (BenchMailbox.Kind kind : BenchMailbox.Kind.values()) {
      for (int i = 0; i < 2; i++) {
        boxes.add(new BenchMailbox(kind, kind.userId("lat", i), kind.address("lat", i), kind + "-" + i));
      }
    }
    List<String> plan = LatencyPlan.interleave(boxes, 3).stream().map(BenchMailbox::connectionId).toList();

    assertThat(plan).containsExactly("GMAIL-0", "OUTLOOK-0", "IMAP-0", "GMAIL-1", "OUTLOOK-1", "IMAP-1",
        "GMAIL-0", "OUTLOOK-0", "IMAP-0");
    assertThat(LatencyPlan.roundRobin(boxes.subList(0, 2), 5).stream().map(BenchMailbox::connectionId).toList())
        .containsExactly("GMAIL-0", "GMAIL-1", "GMAIL-0", "GMAIL-1", "GMAIL-0");
    assertThat(BenchMailbox.Kind.IMAP.address("s", 42)).isEqualTo("s00042@imap.bench.example");
  }

  @Test
  void smtpMessagesEndWithoutALineBreakSoDotStuffingAddsNoBlankLine() {
    String mime = SandboxDelivery.mime("a@x.example", "b@y.example", "mgbench push 1");
    assertThat(mime).contains("\r\nSubject: mgbench push 1\r\n").doesNotEndWith("\r\n").doesNotContain("\n\n");
  }

  @Test
  void theWebhookReceiverVerifiesTheStandardWebhooksTestVectorAndRejectsTamperingAndOldTimestamps() {
    WebhookReceiver receiver = new WebhookReceiver(null);
    receiver.secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer("{\"test\": 2432232314}");
    String signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    long sent = 1614265330;

    assertThat(receiver.verify(id, "1614265330", signature, body, sent + 10)).isTrue();
    assertThat(receiver.verify(id, "1614265330", "v1,bm90IGl0 " + signature, body, sent)).as("one of two").isTrue();
    assertThat(receiver.verify(id, "1614265330", signature, io.vertx.core.buffer.Buffer.buffer("{\"test\": 1}"), sent))
        .as("tampered body").isFalse();
    assertThat(receiver.verify(id, "1614265330", signature, body, sent + 301)).as("too old").isFalse();
    assertThat(receiver.verify(id, "1614265330", null, body, sent)).isFalse();
  }
}
