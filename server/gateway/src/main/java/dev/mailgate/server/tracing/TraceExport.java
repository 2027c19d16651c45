package dev.mailgate.server.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether and where the gateway sends traces: off unless an OTLP/HTTP collector is named.
 *
 * @param endpoint the collector's base URL ({@code http://collector:4318}); spans go to its
 *     {@code /v1/traces}. Empty: tracing is off, nothing is traced or exported.
 * @param sampleRatio the share of calls traced that come without a parent's decision (0 to 1); a
 *     caller's {@code traceparent} decides for its own calls (parent-based sampling)
 * @param exportDelay how long finished spans wait to be sent together
 */
public record TraceExport(Optional<URI> endpoint, double sampleRatio, Duration exportDelay) {

  /** Every call is traced unless an operator asks for fewer (the OpenTelemetry SDK's own default). */
  public static final double DEFAULT_SAMPLE_RATIO = 1.0;
  /** The OpenTelemetry SDK's default batch delay. */
  public static final Duration DEFAULT_EXPORT_DELAY = Duration.ofSeconds(5);
  /** The most finished spans that wait for export; more are dropped, never buffered without end. */
  public static final int MAX_QUEUED_SPANS = 2048;
  /** The most spans sent in one export request. */
  public static final int MAX_EXPORT_BATCH = 512;
  /** How long one export may take before it is given up (the spans in it are dropped). */
  public static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(5);

  /** Tracing off. */
  public static final TraceExport OFF = new TraceExport(Optional.empty(), DEFAULT_SAMPLE_RATIO, DEFAULT_EXPORT_DELAY);

  private static final String TRACES_PATH = "/v1/traces";

  public TraceExport {
    if (!(sampleRatio >= 0.0 && sampleRatio <= 1.0)) {
      throw new IllegalArgumentException("the trace sample ratio is between 0 and 1, not " + sampleRatio);
    }
    if (exportDelay.isNegative() || exportDelay.isZero()) {
      throw new IllegalArgumentException("the trace export delay must be positive");
    }
    endpoint.ifPresent(url -> {
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException("the OTLP endpoint is an http:// or https:// URL, not " + url);
      }
      if (url.getRawQuery() != null || url.getRawUserInfo() != null) {
        throw new IllegalArgumentException("the OTLP endpoint takes no query or user info: " + url.getHost());
      }
    });
  }

  /** Traces to the collector at {@code endpoint}, sampling {@code sampleRatio} of the calls that come without a decision. */
  public static TraceExport to(URI endpoint, double sampleRatio) {
    return new TraceExport(Optional.of(endpoint), sampleRatio, DEFAULT_EXPORT_DELAY);
  }

  /** The same export, batching for {@code delay} (tests use a short one). */
  public TraceExport withExportDelay(Duration delay) {
    return new TraceExport(endpoint, sampleRatio, delay);
  }

  public boolean enabled() {
    return endpoint.isPresent();
  }

  /** Where spans are posted: the endpoint's {@code /v1/traces}, unless it names that path already. */
  public String tracesUrl() {
    String base = endpoint.orElseThrow().toString();
    if (base.endsWith(TRACES_PATH)) {
      return base;
    }
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + TRACES_PATH;
  }
}
