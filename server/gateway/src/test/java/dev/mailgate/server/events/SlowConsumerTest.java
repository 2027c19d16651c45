package dev.mailgate.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Back-pressure of event streams: a consumer that does not read costs the gateway no memory. */
class SlowConsumerTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static final EventFixture fixture = new EventFixture(gateway::get);

  /**
   * A client that stops reading holds the gateway to what the transport's window and one page of
   * the log take: 20,000 events of 2 KB (40 MB) appended meanwhile stay in the database.
   */
  @Test
  void aConsumerThatDoesNotReadDoesNotGrowTheHeap() throws Exception {
    ConnectionRecord alice = fixture.newConnection("acme", TestGateway.acme(), "slow");
    ClientCall<WatchMailboxRequest, MailboxEvent> call = ClientInterceptors
        .intercept(gateway.get().channel(), TestGateway.acme())
        .newCall(MailServiceGrpc.getWatchMailboxMethod(), CallOptions.DEFAULT);
    LinkedBlockingQueue<MailboxEvent> received = new LinkedBlockingQueue<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(MailboxEvent message) {
        received.add(message);
      }
    }, new Metadata());
    call.sendMessage(WatchMailboxRequest.newBuilder().setUserId(alice.userId()).setConnectionId(alice.id().toString())
        .build());
    call.halfClose();
    // Wait until the stream is in place (it starts from "now"): a first event it delivers proves it.
    call.request(1);
    MailboxEvent received1 = null;
    for (int i = 0; i < 20 && received1 == null; i++) {
      fixture.append("acme", alice, 1);
      received1 = received.poll(1, TimeUnit.SECONDS);
    }
    assertThat(received1).as("the stream delivers").isNotNull();
    MailboxEvent first = received1;
    long before = usedHeapAfterGc();

    for (int i = 0; i < 10; i++) {
      fixture.appendLarge("acme", alice, 2_000, 2_048);
    }
    Thread.sleep(3_000); // the stream's catch-up reads run meanwhile
    long grown = usedHeapAfterGc() - before;

    assertThat(grown).as("heap growth (bytes) while 40 MB of events wait").isLessThan(16L * 1024 * 1024);
    call.request(3);
    List<MailboxEvent> next = new ArrayList<>();
    while (next.size() < 3) {
      MailboxEvent event = received.poll(10, TimeUnit.SECONDS);
      assertThat(event).as("the stream delivers again once the client reads").isNotNull();
      if (event.getType() != MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT) {
        next.add(event);
      }
    }
    assertThat(next).extracting(MailboxEvent::getSequence).isSorted().doesNotHaveDuplicates()
        .allSatisfy(sequence -> assertThat(sequence).isGreaterThan(first.getSequence()));
    call.cancel("done", null);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

}
