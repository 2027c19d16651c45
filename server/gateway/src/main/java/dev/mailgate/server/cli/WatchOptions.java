package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.watch.WatchPolicy;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options {@code serve} and {@code dev} share about watching mailboxes for changes. */
public final class WatchOptions {

  @Option(names = "--watch", paramLabel = "on|off", defaultValue = "on",
      description = "Whether ACTIVE connections are watched for changes (mailbox events) (default: ${DEFAULT-VALUE}).")
  TuningOptions.OnOff watch = TuningOptions.OnOff.on;

  @Option(names = "--poll-interval", paramLabel = "DURATION",
      description = "How often each watched connection is checked even without a push notification, ISO-8601 "
          + "(default: ${DEFAULT-VALUE}).", converter = TuningOptions.DurationConverter.class)
  Duration pollInterval = WatchPolicy.DEFAULT.pollInterval();

  @Option(names = "--watch-concurrency", paramLabel = "N",
      description = "How many change-feed reads run at once on this gateway (default: ${DEFAULT-VALUE}).")
  int concurrency = WatchPolicy.DEFAULT.concurrency();

  @Option(names = "--public-url", paramLabel = "URL",
      description = "The gateway's https URL as Google and Microsoft reach it; push notifications arrive at "
          + "URL/push/gmail and URL/push/graph. Without it connections are polled only.")
  String publicUrl;

  @Option(names = "--gmail-pubsub-topic", paramLabel = "projects/P/topics/T",
      description = "The Pub/Sub topic Gmail publishes mailbox changes to; its push subscription must deliver to "
          + "--public-url/push/gmail with an OIDC token. Without it Gmail connections are polled only.")
  String gmailTopic;

  @Option(names = "--gmail-push-audience", paramLabel = "AUDIENCE",
      description = "The audience of the OIDC tokens Pub/Sub signs its pushes with (default: --public-url/push/gmail).")
  String gmailAudience;

  public GatewayOptions applyTo(GatewayOptions options) {
    WatchPolicy policy = options.watch().withEnabled(watch == TuningOptions.OnOff.on)
        .withIntervals(pollInterval, options.watch().refreshInterval()).withConcurrency(concurrency);
    if (publicUrl != null) {
      policy = policy.withPush(publicUrl, Optional.ofNullable(gmailTopic), policy.gmailPushCertsUrl());
    }
    if (gmailAudience != null) {
      policy = policy.withGmailAudience(gmailAudience);
    }
    return options.withWatch(policy);
  }
}
