package dev.mailgate.server.tracing;

import dev.mailgate.server.api.CallObserver;
import dev.mailgate.server.mail.MailOperation;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.ObservedMailProvider;
import dev.mailgate.server.store.ProviderKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's OpenTelemetry tracing, which lives and ends with its Vert.x instance: a SERVER span
 * per call ({@link CallSpans}), a child span per provider operation ({@link ProviderCalls}), and
 * a child span per database query, which Vert.x's SQL client reports through its tracing SPI
 * ({@link QueryTracer}). Spans are batched in a bounded queue and sent over OTLP/HTTP (protobuf)
 * by the JDK's HTTP client; a slow or unreachable collector costs dropped spans, never a slower
 * or failed call.
 */
public final class Tracing {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");
  private static final String VERSION =
      Objects.requireNonNullElse(Tracing.class.getPackage().getImplementationVersion(), "dev");

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
    this.tracer = sdk.getTracer("dev.mailgate.gateway", VERSION);
  }

  /**
   * {@code builder}, tracing as {@code export} says: when it is on, the Vert.x instance built
   * carries the tracer (and the OpenTelemetry SDK, shut down with it); when off, {@code builder}
   * unchanged.
   */
  public static VertxBuilder install(TraceExport export, VertxBuilder builder) {
    if (!export.enabled()) {
      return builder;
    }
    return builder.withTracer(options -> {
      Tracing tracing = new Tracing(sdk(export));
      return new QueryTracer(tracing, tracing.sdk);
    });
  }

  /**
   * The tracing of {@code vertx}, or null when {@code export} is off. Fails when {@code export}
   * is on and {@code vertx} was not built through {@link #install}: calls would go untraced.
   */
  public static Tracing of(Vertx vertx, TraceExport export) {
    if (!export.enabled()) {
      return null;
    }
    if (((VertxInternal) vertx).tracer() instanceof QueryTracer traced) {
      return traced.tracing();
    }
    throw new IllegalStateException("tracing is on, but Vert.x was built without its tracer (see Tracing.install)");
  }

  /** What makes a span of every call. */
  public CallObserver calls() {
    return new CallSpans(tracer, sdk.getPropagators().getTextMapPropagator());
  }

  /** {@code operations} of the kind, each a CLIENT span ({@code gmail getMessage}) inside a traced call. */
  public MailProvider provider(ProviderKind kind, MailProvider operations) {
    return new ObservedMailProvider(operations, new ObservedMailProvider.Hook() {
      @Override
      public <T> Future<T> around(MailOperation operation, Supplier<Future<T>> call) {
        return ProviderCalls.traced(kind.key(), operation.method(), call);
      }
    });
  }

  /** Exports what is queued (for at most the export timeout) and stops. */
  void shutdown() {
    sdk.shutdown().join(TraceExport.EXPORT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  private static OpenTelemetrySdk sdk(TraceExport export) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(export.tracesUrl())
        .setConnectTimeout(Duration.ofSeconds(2))
        .setTimeout(TraceExport.EXPORT_TIMEOUT)
        // The exporter's own metrics would otherwise go to (and initialise) the global OpenTelemetry.
        .setMeterProvider(MeterProvider::noop)
        .build();
    BatchSpanProcessor batches = BatchSpanProcessor.builder(exporter)
        .setScheduleDelay(export.exportDelay())
        .setMaxQueueSize(TraceExport.MAX_QUEUED_SPANS)
        .setMaxExportBatchSize(TraceExport.MAX_EXPORT_BATCH)
        .setExporterTimeout(TraceExport.EXPORT_TIMEOUT)
        .build();
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(SERVICE_NAME, "mailgate", SERVICE_VERSION, VERSION)));
    SdkTracerProvider traces = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(export.sampleRatio())))
        .addSpanProcessor(batches)
        .build();
    // Not registered as the global instance: each gateway (tests boot several) has its own.
    return OpenTelemetrySdk.builder()
        .setTracerProvider(traces)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
