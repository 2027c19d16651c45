package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.tracing.TraceExport;
import java.net.URI;
import picocli.CommandLine.Option;

/** Options of {@code serve} about traces: off unless a collector is named. */
public final class TraceOptions {

  @Option(names = "--otlp-endpoint", paramLabel = "URL",
      description = "Turns tracing on: spans go to this OpenTelemetry collector over OTLP/HTTP (protobuf), at "
          + "URL/v1/traces, e.g. http://otel-collector:4318. Default: tracing off.")
  URI endpoint;

  @Option(names = "--otlp-sample-ratio", paramLabel = "RATIO",
      description = "The share of calls traced (0 to 1) among those that come without a sampled W3C traceparent; "
          + "a caller's traceparent decides for its own calls (default: ${DEFAULT-VALUE}).")
  double sampleRatio = TraceExport.DEFAULT_SAMPLE_RATIO;

  public GatewayOptions applyTo(GatewayOptions options) {
    return endpoint == null ? options : options.withTraces(TraceExport.to(endpoint, sampleRatio));
  }
}
