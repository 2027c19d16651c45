package dev.mailgate.server.tracing;

import io.vertx.core.Context;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The Vert.x tracer of a traced gateway: Vert.x's own OpenTelemetry tracer, kept to database
 * queries. The SQL client reports each query here and it becomes a CLIENT span under the span
 * active on the calling context, the call's ({@link CallSpans}); with no active span (background
 * work) nothing is made. Everything else Vert.x reports is dropped: the gateway makes its own
 * server span per call (Vert.x would make one per HTTP request, gRPC or not, named {@code POST}),
 * and outbound HTTP is not traced, since its URLs can hold user data (a Graph search) and trace
 * headers would go to third parties (providers, OAuth servers, webhook endpoints).
 */
final class QueryTracer implements VertxTracer<Object, Object> {

  private static final String DATABASE_TAG = "db.system";

  private final Tracing tracing;
  @SuppressWarnings("unchecked")
  private final VertxTracer<Object, Object> queries;

  @SuppressWarnings("unchecked")
  QueryTracer(Tracing tracing, io.opentelemetry.api.OpenTelemetry openTelemetry) {
    this.tracing = tracing;
    this.queries = (VertxTracer<Object, Object>) new OpenTelemetryTracingFactory(openTelemetry)
        .tracer(new OpenTelemetryOptions());
  }

  Tracing tracing() {
    return tracing;
  }

  @Override
  public <R> Object sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
      BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
    if (!isQuery(request, tagExtractor)) {
      return null;
    }
    return queries.sendRequest(context, kind, policy, request, operation, headers, tagExtractor);
  }

  @Override
  public <R> void receiveResponse(Context context, R response, Object payload, Throwable failure,
      TagExtractor<R> tagExtractor) {
    if (payload != null) {
      queries.receiveResponse(context, response, payload, failure, tagExtractor);
    }
  }

  @Override
  public <R> Object receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
      Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
    return null;
  }

  @Override
  public void close() {
    queries.close();
    tracing.shutdown();
  }

  /** A SQL client's query: the one kind of request that names a database system. */
  private static <R> boolean isQuery(R request, TagExtractor<R> tags) {
    if (request == null) {
      return false;
    }
    int count = tags.len(request);
    for (int i = 0; i < count; i++) {
      if (DATABASE_TAG.equals(tags.name(request, i))) {
        return true;
      }
    }
    return false;
  }
}
