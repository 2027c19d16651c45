package dev.mailgate.server.tracing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * An OpenTelemetry collector in the test's process: accepts OTLP/HTTP protobuf at
 * {@code /v1/traces}, as a real collector does, and keeps every span it is sent.
 */
final class OtlpCollector implements AutoCloseable {

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Span> spans = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> resourceNames = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();

  private OtlpCollector(HttpServer server) {
    this.server = server;
  }

  static OtlpCollector start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      OtlpCollector collector = new OtlpCollector(server);
      server.createContext("/v1/traces", collector::accept);
      server.setExecutor(Executors.newSingleThreadExecutor());
      server.start();
      return collector;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base URL, as an operator passes it to {@code --otlp-endpoint}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void accept(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!"POST".equals(exchange.getRequestMethod()) || !"application/x-protobuf".equals(type)) {
        refusals.add(exchange.getRequestMethod() + " " + type);
        exchange.sendResponseHeaders(415, -1);
        return;
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
      for (ResourceSpans resource : request.getResourceSpansList()) {
        resource.getResource().getAttributesList().stream().filter(a -> a.getKey().equals("service.name"))
            .forEach(a -> resourceNames.add(a.getValue().getStringValue()));
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          spans.addAll(scope.getSpansList());
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  /** Every span received so far. */
  List<Span> spans() {
    return List.copyOf(spans);
  }

  /** The spans received so far of the trace {@code traceIdHex}. */
  List<Span> trace(String traceIdHex) {
    ByteString id = ByteString.copyFrom(HexFormat.of().parseHex(traceIdHex));
    return spans.stream().filter(span -> span.getTraceId().equals(id)).toList();
  }

  /** Waits up to {@code timeout} for a span of the trace that {@code matches}. */
  Span await(String traceIdHex, Predicate<Span> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      Optional<Span> found = trace(traceIdHex).stream().filter(matches).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no such span of trace " + traceIdHex + " within " + timeout + "; received: "
        + trace(traceIdHex).stream().map(Span::getName).toList());
  }

  List<String> resourceNames() {
    return List.copyOf(resourceNames);
  }

  List<String> refusals() {
    return List.copyOf(refusals);
  }

  static Optional<AnyValue> attribute(Span span, String key) {
    return span.getAttributesList().stream().filter(a -> a.getKey().equals(key)).map(KeyValue::getValue).findFirst();
  }

  static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
