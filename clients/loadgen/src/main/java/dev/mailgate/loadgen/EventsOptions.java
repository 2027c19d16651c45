package dev.mailgate.loadgen;

import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code bench events} (see clients/loadgen/README.md, "bench events"). */
final class EventsOptions {

  @Option(names = "--events-parts", split = ",", defaultValue = "latency,throughput,scale",
      description = "events: which parts to run: latency, throughput, scale, webhooks (${DEFAULT-VALUE}; webhooks: "
          + "delivery into a sandbox mailbox -> signed POST at a receiver in this process, on the push gateway)")
  List<String> parts = List.of("latency", "throughput", "scale");

  @Option(names = "--connections", defaultValue = "200",
      description = "events scale: watched Gmail + Outlook connections (half each) on the push gateway (${DEFAULT-VALUE}; the issue's target: 10000)")
  int connections;

  @Option(names = "--imap-connections", defaultValue = "-1",
      description = "events scale: watched IMAP connections (IDLE) on GreenMail (default: a tenth of --connections; the issue's target: 1000)")
  int imapConnections;

  @Option(names = "--scale-rate", defaultValue = "100",
      description = "events scale: new messages per second, spread over every watched connection (${DEFAULT-VALUE})")
  double scaleRate;

  @Option(names = "--scale-duration", defaultValue = "60s", description = "events scale: how long new mail arrives (${DEFAULT-VALUE})")
  String scaleDuration;

  @Option(names = "--idle", defaultValue = "60s",
      description = "events scale: the window without new mail in which the gateway's CPU is measured (${DEFAULT-VALUE})")
  String idle;

  @Option(names = "--latency-mailboxes", defaultValue = "4",
      description = "events latency: mailboxes per provider (${DEFAULT-VALUE})")
  int latencyMailboxes;

  @Option(names = "--latency-messages", defaultValue = "50",
      description = "events latency: messages per provider in each mode (${DEFAULT-VALUE})")
  int latencyMessages;

  @Option(names = "--latency-spacing", defaultValue = "300ms",
      description = "events latency: time between two deliveries, providers taking turns (${DEFAULT-VALUE})")
  String latencySpacing;

  @Option(names = "--poll-interval", defaultValue = "PT5S",
      description = "events: the polling-only gateway's --poll-interval (${DEFAULT-VALUE})")
  String pollInterval;

  @Option(names = "--push-poll-interval", defaultValue = "PT2M",
      description = "events: the push gateway's --poll-interval, for connections push and IDLE do not cover "
          + "(${DEFAULT-VALUE}, the gateway's default)")
  String pushPollInterval;

  @Option(names = "--push-covered-poll-interval", defaultValue = "PT15M",
      description = "events: the push gateway's --push-poll-interval, the safety net of connections push or IDLE "
          + "covers (${DEFAULT-VALUE}, the gateway's default)")
  String pushCoveredPollInterval;

  @Option(names = "--watch-concurrency", defaultValue = "8",
      description = "events: the gateways' --watch-concurrency, feed reads at once (${DEFAULT-VALUE}, the gateway's default)")
  int watchConcurrency;

  @Option(names = "--streams", defaultValue = "100", description = "events throughput: concurrent WatchTenant streams (${DEFAULT-VALUE})")
  int streams;

  @Option(names = "--throughput-events", defaultValue = "2000",
      description = "events throughput: messages delivered (one MESSAGE_ADDED each) (${DEFAULT-VALUE})")
  int throughputEvents;

  @Option(names = "--connect-concurrency", defaultValue = "16",
      description = "events: mailboxes connected through the gateway at once (${DEFAULT-VALUE})")
  int connectConcurrency;

  @Option(names = "--gateway-heap", defaultValue = "512m",
      description = "events: the gateway JVM's -Xmx (${DEFAULT-VALUE}; the RSS target is 1 GiB)")
  String gatewayHeap;

  @Option(names = "--sandbox", defaultValue = "process",
      description = "events: the provider sandbox in a process of its own (process) or in the gateway's JVM (in-gateway) (${DEFAULT-VALUE})")
  String sandbox;

  @Option(names = "--mail-server", defaultValue = "gateway",
      description = "events: the IMAP/SMTP server (GreenMail) of dev mode in the gateway's JVM (gateway), or one in the "
          + "sandbox process (process: needs --sandbox process; the gateway's RSS and CPU then leave it out) (${DEFAULT-VALUE})")
  String mailServer;

  @Option(names = "--webhook-rounds", defaultValue = "3",
      description = "events webhooks: rounds of --latency-messages per provider; p50 and p99 are judged on the median"
          + " of the rounds (${DEFAULT-VALUE})")
  int webhookRounds;

  int imapConnections() {
    return imapConnections >= 0 ? imapConnections : connections / 10;
  }

  boolean runs(String part) {
    return parts.contains(part);
  }
}
