package dev.mailgate.server.tracing;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static dev.mailgate.server.tracing.OtlpCollector.attribute;
import static dev.mailgate.server.tracing.OtlpCollector.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traces as an operator's collector receives them: the production wiring exports over OTLP/HTTP
 * to a collector in this process.
 */
class TracingTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  static final OtlpCollector collector = OtlpCollector.start();
  static final TraceExport EXPORT = TraceExport.to(collector.endpoint(), 1.0).withExportDelay(Duration.ofMillis(100));

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withTraces(EXPORT),
      () -> Tracing.install(EXPORT, dev.mailgate.server.metrics.MeteredVertx.builder()).build());

  @AfterAll
  static void stopCollector() {
    collector.close();
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    random[0] |= 1; // never all zeros, which W3C calls invalid
    return HexFormat.of().formatHex(random);
  }

  private static ClientInterceptor traceparent(String traceId, String parentSpanId, boolean sampled) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + traceId + "-" + parentSpanId + (sampled ? "-01" : "-00"));
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static UserServiceGrpc.UserServiceBlockingStub users(ClientInterceptor... interceptors) {
    return UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(interceptors);
  }

  private static String string(Span span, String key) {
    return attribute(span, key).map(AnyValue::getStringValue).orElse(null);
  }

  private static Long integer(Span span, String key) {
    return attribute(span, key).map(AnyValue::getIntValue).orElse(null);
  }

  private static boolean isServer(Span span) {
    return span.getKind() == Span.SpanKind.SPAN_KIND_SERVER;
  }

  @Test
  void aCallWithATraceparentIsTheServerSpanOfThatTraceWithItsQueriesAsChildren() throws Exception {
    String traceId = randomHex(16);
    String parent = randomHex(8);
    String userId = Mailboxes.newUserId("traced");
    users(TestGateway.acme(), traceparent(traceId, parent, true))
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).setEmail(userId + "@example.com").build());

    Span server = collector.await(traceId, TracingTest::isServer, WAIT);
    assertThat(server.getName()).isEqualTo("mailgate.v1.UserService/CreateUser");
    assertThat(hex(server.getParentSpanId())).as("the caller's span is the parent").isEqualTo(parent);
    assertThat(string(server, "rpc.system")).isEqualTo("grpc");
    assertThat(string(server, "rpc.service")).isEqualTo("mailgate.v1.UserService");
    assertThat(string(server, "rpc.method")).isEqualTo("CreateUser");
    assertThat(integer(server, "rpc.grpc.status_code")).isZero();
    assertThat(string(server, "mailgate.tenant.id")).isEqualTo("acme");
    assertThat(string(server, "mailgate.protocol")).isEqualTo("grpc");
    assertThat(server.getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);

    Span query = collector.await(traceId, span -> span.getParentSpanId().equals(server.getSpanId())
        && attribute(span, "db.system").isPresent(), WAIT);
    assertThat(query.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(string(query, "db.system")).isEqualTo("postgresql");
    assertThat(collector.resourceNames()).contains("mailgate");
    assertThat(collector.refusals()).isEmpty();
    // The key, the user's id and address travel as metadata and query parameters, never into spans.
    assertThat(collector.trace(traceId).toString()).doesNotContain(TestGateway.ACME_KEY).doesNotContain(userId)
        .doesNotContain("authorization");
  }

  @Test
  void concurrentCallsOnOneConnectionEachParentTheirOwnQueries() throws Exception {
    var async = UserServiceGrpc.newFutureStub(gateway.get().channel());
    List<String> traces = new ArrayList<>();
    List<com.google.common.util.concurrent.ListenableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String traceId = randomHex(16);
      traces.add(traceId);
      calls.add(async.withInterceptors(TestGateway.acme(), traceparent(traceId, randomHex(8), true))
          .createUser(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("concurrent")).build()));
    }
    for (var call : calls) {
      call.get(30, TimeUnit.SECONDS);
    }
    for (String traceId : traces) {
      Span server = collector.await(traceId, TracingTest::isServer, WAIT);
      collector.await(traceId, span -> span.getParentSpanId().equals(server.getSpanId())
          && attribute(span, "db.system").isPresent(), WAIT);
      assertThat(collector.trace(traceId)).as("every span of the trace hangs under its own call")
          .allSatisfy(span -> assertThat(span.getSpanId().equals(server.getSpanId())
              || span.getParentSpanId().equals(server.getSpanId())).isTrue());
    }
  }

  @Test
  void aFailedCallCarriesItsStatusCodeAndReason() throws Exception {
    String traceId = randomHex(16);
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> users(TestGateway.acme(),
        traceparent(traceId, randomHex(8), true)).getUser(GetUserRequest.newBuilder().setUserId("nobody-here").build()));

    Span server = collector.await(traceId, TracingTest::isServer, WAIT);
    assertThat(server.getName()).isEqualTo("mailgate.v1.UserService/GetUser");
    assertThat(integer(server, "rpc.grpc.status_code")).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(string(server, "mailgate.error.reason")).isEqualTo("USER_NOT_FOUND");
    assertThat(string(server, "error.type")).isEqualTo("USER_NOT_FOUND");
    // NOT_FOUND is the caller's answer, not the server's fault (RPC conventions): the span is not an error.
    assertThat(server.getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_UNSET);
  }

  @Test
  void aRefusedKeyIsTracedWithItsStatusAndNoTenant() throws Exception {
    String traceId = randomHex(16);
    String wrongKey = "mgk_wrong_" + randomHex(6);
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> users(TestGateway.as("acme", wrongKey),
        traceparent(traceId, randomHex(8), true)).getUser(GetUserRequest.newBuilder().setUserId("anyone").build()));

    Span server = collector.await(traceId, TracingTest::isServer, WAIT);
    assertThat(integer(server, "rpc.grpc.status_code")).isEqualTo(Status.Code.UNAUTHENTICATED.value());
    assertThat(string(server, "mailgate.error.reason")).isEqualTo("API_KEY_INVALID");
    assertThat(attribute(server, "mailgate.tenant.id")).as("an unresolved caller names no tenant").isEmpty();
    assertThat(server.toString()).doesNotContain(wrongKey);
  }

  @Test
  void anHttpJsonCallIsTracedLikeAGrpcCall() throws Exception {
    String traceId = randomHex(16);
    String parent = randomHex(8);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.get().port()
            + "/v1/users/nobody-here"))
        .header("x-tenant-id", "acme").header("authorization", "Bearer " + TestGateway.ACME_KEY)
        .header("traceparent", "00-" + traceId + "-" + parent + "-01")
        .GET().build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);

    Span server = collector.await(traceId, TracingTest::isServer, WAIT);
    assertThat(server.getName()).isEqualTo("mailgate.v1.UserService/GetUser");
    assertThat(hex(server.getParentSpanId())).isEqualTo(parent);
    assertThat(string(server, "mailgate.protocol")).isEqualTo("http_json");
    assertThat(integer(server, "rpc.grpc.status_code")).isEqualTo(Status.Code.NOT_FOUND.value());
  }

  @Test
  void aGrpcWebCallIsTracedLikeAGrpcCall() throws Exception {
    String traceId = randomHex(16);
    String parent = randomHex(8);
    byte[] message = GetUserRequest.newBuilder().setUserId("nobody-here").build().toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.get().port()
            + "/mailgate.v1.UserService/GetUser"))
        .version(HttpClient.Version.HTTP_1_1)
        .header("content-type", "application/grpc-web+proto").header("x-grpc-web", "1")
        .header("x-tenant-id", "acme").header("authorization", "Bearer " + TestGateway.ACME_KEY)
        .header("traceparent", "00-" + traceId + "-" + parent + "-01")
        .POST(HttpRequest.BodyPublishers.ofByteArray(frame.array())).build();
    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);

    Span server = collector.await(traceId, TracingTest::isServer, WAIT);
    assertThat(server.getName()).isEqualTo("mailgate.v1.UserService/GetUser");
    assertThat(hex(server.getParentSpanId())).isEqualTo(parent);
    assertThat(string(server, "mailgate.protocol")).isEqualTo("grpc_web");
    assertThat(integer(server, "rpc.grpc.status_code")).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(string(server, "mailgate.error.reason")).isEqualTo("USER_NOT_FOUND");
  }

  @Test
  void aProviderOperationIsAChildSpanNamingProviderAndOperationOnly() throws Exception {
    String userId = Mailboxes.newUserId("traced");
    String address = userId + "@gmail.test";
    users(TestGateway.acme()).createUser(CreateUserRequest.newBuilder().setUserId(userId).setEmail(address).build());
    String connecting = randomHex(16);
    Metadata acmeTraced = new Metadata();
    acmeTraced.put(Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER), "acme");
    acmeTraced.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TestGateway.ACME_KEY);
    acmeTraced.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), "00-" + connecting + "-" + randomHex(8) + "-01");
    var connection = Mailboxes.connect(gateway.get(), MetadataUtils.newAttachHeadersInterceptor(acmeTraced), userId,
        Provider.PROVIDER_GMAIL, address);
    // Completing the authorization calls Google's token endpoint and profile: two provider calls.
    Span completed = collector.await(connecting, span -> span.getName().endsWith("/CompleteAuthorization"), WAIT);
    for (String operation : List.of("oauth.exchangeCode", "profile")) {
      Span call = collector.await(connecting, span -> operation.equals(string(span, "mailgate.provider.operation")), WAIT);
      assertThat(call.getName()).isEqualTo("gmail " + operation);
      assertThat(call.getParentSpanId()).isEqualTo(completed.getSpanId());
    }
    assertThat(collector.trace(connecting).toString()).doesNotContain(address).doesNotContain(userId);

    String traceId = randomHex(16);
    MailServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.acme(), traceparent(traceId, randomHex(8), true))
        .listLabels(ListLabelsRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build());

    Span server = collector.await(traceId, TracingTest::isServer, WAIT);
    assertThat(server.getName()).isEqualTo("mailgate.v1.MailService/ListLabels");
    Span provider = collector.await(traceId, span -> span.getParentSpanId().equals(server.getSpanId())
        && attribute(span, "mailgate.provider").isPresent(), WAIT);
    assertThat(provider.getName()).isEqualTo("gmail listLabels");
    assertThat(provider.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(string(provider, "mailgate.provider")).isEqualTo("gmail");
    assertThat(string(provider, "mailgate.provider.operation")).isEqualTo("listLabels");
    assertThat(collector.trace(traceId).toString()).doesNotContain(address).doesNotContain(userId);
  }

  @Test
  void anUnsampledTraceparentIsNotExported() throws Exception {
    String unsampled = randomHex(16);
    users(TestGateway.acme(), traceparent(unsampled, randomHex(8), false))
        .createUser(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("unsampled")).build());
    // A sampled call made after it is exported; by then the unsampled one would have been too.
    String sampled = randomHex(16);
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> users(TestGateway.acme(),
        traceparent(sampled, randomHex(8), true)).getUser(GetUserRequest.newBuilder().setUserId("nobody-here").build()));
    collector.await(sampled, TracingTest::isServer, WAIT);
    Thread.sleep(300);
    assertThat(collector.trace(unsampled)).isEmpty();
  }

  @Test
  void aGatewayWithTracingOffExportsNothing() throws Exception {
    try (TestGateway.Sibling untraced = gateway.get().startSibling(options -> options.withTraces(TraceExport.OFF))) {
      String traceId = randomHex(16);
      String userId = Mailboxes.newUserId("untraced");
      UserServiceGrpc.newBlockingStub(untraced.channel())
          .withInterceptors(TestGateway.acme(), traceparent(traceId, randomHex(8), true))
          .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
      String sampled = randomHex(16);
      assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> users(TestGateway.acme(),
          traceparent(sampled, randomHex(8), true)).getUser(GetUserRequest.newBuilder().setUserId("nobody-here").build()));
      collector.await(sampled, TracingTest::isServer, WAIT);
      Thread.sleep(300);
      assertThat(collector.trace(traceId)).isEmpty();
      assertThat(Tracing.of(untraced.vertx(), TraceExport.OFF)).isNull();
    }
  }
}
