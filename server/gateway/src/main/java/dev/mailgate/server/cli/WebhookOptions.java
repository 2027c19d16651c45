package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.webhook.WebhookPolicy;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options {@code serve} and {@code dev} share about delivering webhooks. */
public final class WebhookOptions {

  @Option(names = "--webhook-retry-schedule", paramLabel = "DURATION[,DURATION...]", split = ",",
      description = "The wait before each retry of a failed webhook delivery, ISO-8601, comma-separated; after the "
          + "last one the delivery is dead-lettered (default: PT5S,PT5M,PT30M,PT2H,PT8H,PT24H,PT36H, about three days; "
          + "each wait is jittered by up to 20 %%).", converter = TuningOptions.DurationConverter.class)
  List<Duration> retrySchedule;

  @Option(names = "--webhook-poll-interval", paramLabel = "DURATION",
      description = "How often this gateway checks a tenant with webhook endpoints for events appended by other "
          + "gateways and for deliveries due, ISO-8601 (default: ${DEFAULT-VALUE}).",
      converter = TuningOptions.DurationConverter.class)
  Duration pollInterval = WebhookPolicy.DEFAULT.pollInterval();

  @Option(names = "--webhook-max-in-flight", paramLabel = "N",
      description = "The most webhook attempts this gateway makes at once, over all tenants and endpoints "
          + "(default: ${DEFAULT-VALUE}).")
  int maxInFlight = WebhookPolicy.DEFAULT.maxInFlight();

  @Option(names = "--webhook-max-in-flight-per-endpoint", paramLabel = "N",
      description = "The most webhook attempts this gateway makes at once to one endpoint (one per connection at "
          + "most: a connection's events go one after another), so that a slow endpoint holds no more than this "
          + "many of the --webhook-max-in-flight slots (default: ${DEFAULT-VALUE}).")
  int maxInFlightPerEndpoint = WebhookPolicy.DEFAULT.maxInFlightPerEndpoint();

  public GatewayOptions applyTo(GatewayOptions options) {
    WebhookPolicy policy = options.webhooks().withIntervals(pollInterval, options.webhooks().idleInterval())
        .withInFlightLimits(maxInFlight, Math.min(maxInFlightPerEndpoint, maxInFlight));
    if (retrySchedule != null) {
      policy = policy.withRetrySchedule(retrySchedule);
    }
    return options.withWebhooks(policy);
  }
}
