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
      description = "How often a watched connection without push or IMAP IDLE is checked for changes, ISO-8601 "
          + "(default: ${DEFAULT-VALUE}). Also the interval right after a push subscription fails, Graph reports "
          + "missed notifications, or IDLE stops.", converter = TuningOptions.DurationConverter.class)
  Duration pollInterval = WatchPolicy.DEFAULT.pollInterval();

  @Option(names = "--push-poll-interval", paramLabel = "DURATION",
      description = "How often a connection whose push subscription is healthy, or whose IMAP IDLE runs, is checked "
          + "anyway, ISO-8601 (default: ${DEFAULT-VALUE}). Pushes get lost, so a safety-net poll still runs, but "
          + "rarely: 10,000 connections polled every 2 minutes cost ~80 provider reads a second with no mail at all.",
      converter = TuningOptions.DurationConverter.class)
  Duration pushPollInterval = WatchPolicy.DEFAULT.pushPollInterval();

  @Option(names = "--imap-idle-max", paramLabel = "N",
      description = "How many IMAP mailboxes are watched with IDLE at once, each holding a connection and a thread "
          + "(default: ${DEFAULT-VALUE}); the rest are polled every --poll-interval.")
  int imapIdleMax = WatchPolicy.DEFAULT.imapIdleMax();

  @Option(names = "--watch-concurrency", paramLabel = "N",
      description = "How many change-feed reads run at once on this gateway (default: ${DEFAULT-VALUE}).")
  int concurrency = WatchPolicy.DEFAULT.concurrency();

  @Option(names = "--public-url", paramLabel = "URL",
      description = "The gateway's https URL as Google and Microsoft reach it; push notifications arrive at "
          + "URL/push/gmail and URL/push/graph. Without it connections are polled only.")
  String publicUrl;

  @Option(names = "--gmail-pubsub-topic", paramLabel = "projects/P/topics/T",
      description = "The Pub/Sub topic Gmail publishes mailbox changes to; its push subscription must deliver to "
          + "--public-url/push/gmail with an OIDC token of --gmail-push-service-account. Without it Gmail "
          + "connections are polled only.")
  String gmailTopic;

  @Option(names = "--gmail-push-service-account", paramLabel = "EMAIL",
      description = "The service account the topic's push subscription authenticates as: a push is taken only if "
          + "its OIDC token's email claim is exactly this and verified. Required for Gmail push: without it Gmail "
          + "connections are polled only, even with --gmail-pubsub-topic.")
  String gmailPushServiceAccount;

  @Option(names = "--gmail-push-audience", paramLabel = "AUDIENCE",
      description = "The audience of the OIDC tokens Pub/Sub signs its pushes with (default: --public-url/push/gmail).")
  String gmailAudience;

  public GatewayOptions applyTo(GatewayOptions options) {
    WatchPolicy policy = options.watch().withEnabled(watch == TuningOptions.OnOff.on)
        .withIntervals(pollInterval, pushPollInterval, options.watch().refreshInterval()).withConcurrency(concurrency)
        .withImapIdleMax(imapIdleMax);
    if (publicUrl != null) {
      policy = policy.withPush(publicUrl, Optional.ofNullable(gmailTopic), policy.gmailPushCertsUrl());
    }
    if (gmailAudience != null) {
      policy = policy.withGmailAudience(gmailAudience);
    }
    if (gmailPushServiceAccount != null) {
      policy = policy.withGmailPushServiceAccount(gmailPushServiceAccount);
    }
    return options.withWatch(policy);
  }
}
