package dev.mailgate.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A dev gateway {@code bench events} started (and its sandbox process, if any), with the clients
 * the bench uses on it, and the ledgers its main WatchTenant stream feeds: each MESSAGE_ADDED whose
 * subject names a ledger's tag is an arrival in that ledger.
 */
final class EventsGateway implements AutoCloseable {

  final String mode;
  final Duration pollInterval;
  final List<ChildProcess> processes = new ArrayList<>();
  DevGatewayProcess gateway;
  ChildProcess sandbox;
  MailboxConnector connector;
  MailboxConnector.MailServer mailServer;
  SandboxDelivery delivery;
  EventStreams streams;
  EventStreams.Stream main;
  RssSampler rss;
  final Map<String, DeliveryLedger> ledgers = new ConcurrentHashMap<>();

  EventsGateway(String mode, Duration pollInterval) {
    this.mode = mode;
    this.pollInterval = pollInterval;
  }

  /** CPU of the gateway's JVM, its PostgreSQL, the sandbox process (if any) and the load generator. */
  CpuMeter cpuMeter() {
    CpuMeter cpu = new CpuMeter(gateway.process.pid(), gateway.process.log().getParent().resolve("data"), Map.of());
    return sandbox == null ? cpu : cpu.with("sandbox", sandbox.pid());
  }

  Tenants.Credentials credentials() {
    return new Tenants.Credentials("acme", gateway.acmeApiKey());
  }

  DeliveryLedger ledger(String tag) {
    DeliveryLedger ledger = new DeliveryLedger(tag);
    ledgers.put(tag, ledger);
    return ledger;
  }

  /** An event of the main stream: an arrival in the ledger its subject names, if any. */
  void received(EventStreams.Received received) {
    String subject = received.event().getMessage().getSubject();
    DeliveryLedger.tagOf(subject).map(ledgers::get).ifPresent(l -> l.arrived(subject, received.nanos()));
  }

  @Override
  public void close() {
    for (AutoCloseable closeable : new AutoCloseable[] {streams, delivery, connector, rss}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception ignored) {
        // stopping anyway
      }
    }
    processes.forEach(ChildProcess::stop);
    if (gateway != null) {
      gateway.close();
    }
  }
}
