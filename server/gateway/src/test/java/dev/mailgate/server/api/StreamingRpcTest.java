package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailServiceGrpcService;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.auth.CallerResolver;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.limits.CallLimits;
import dev.mailgate.server.testing.AccessLines;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Server-streaming calls through {@link RpcBinder}: the gateway's own caller resolver, tenant limits
 * and access log, with WatchMailbox bound to a test implementation whose request's {@code cursor}
 * says what it does ({@code "<kind> <count> <tag>"}), served by a gRPC server of its own.
 */
class StreamingRpcTest {

  private static final String TRICKLE = "trickle";
  private static final String SINGLE = "single";

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
      TRICKLE + ".yaml", limited(TRICKLE, "requests_per_second: 1\nburst: 1\n"),
      SINGLE + ".yaml", limited(SINGLE, "requests_per_second: 1000\nburst: 1000\nmax_in_flight: 1\n")));

  /** How often the implementation ran, per tag. */
  private static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  /** Messages the implementation handed to the stream, per tag. */
  private static final Map<String, AtomicInteger> written = new ConcurrentHashMap<>();
  /** Completes when a stream's {@link ResponseStream#closed()} completed, per tag. */
  private static final Map<String, CountDownLatch> closed = new ConcurrentHashMap<>();

  private static HttpServer http;
  private static ManagedChannel channel;

  private static String limited(String id, String rateLimits) {
    return TestGateway.tenantYaml(id, "${ACME_DATABASE}", "mgk_test_" + id)
        .replace("  pool_size: 4\n", "  pool_size: 4\n  schema: " + id + "\n")
        + "rate_limits:\n" + rateLimits.indent(2);
  }

  @BeforeAll
  static void serve() throws Exception {
    var vertx = gateway.get().server().vertx();
    RpcBinder binder = new RpcBinder(new CallerResolver(gateway.get().server().tenants(), new dev.mailgate.server.agent.AgentTokens(),
        gateway.get().options().bounds()),
        CallLimits.enforcing(vertx), AccessLog.ALL, CallObserver.NONE);
    RpcBinder.Binding binding = binder.service(MailServiceGrpcService.SERVICE_NAME, MailServiceGrpcService.SERVICE_DESCRIPTOR)
        .serverStreaming(MailServiceGrpcService.WatchMailbox, (caller, request, stream) -> run(request, stream));
    for (Field field : MailServiceGrpcService.class.getFields()) {
      if (ServiceMethod.class.isAssignableFrom(field.getType()) && !field.getName().equals("WatchMailbox")) {
        binding.notYet((ServiceMethod<?, ?>) field.get(null), "not under test");
      }
    }
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setScheduleDeadlineAutomatically(true));
    grpc.addService(binding.build());
    http = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true)).requestHandler(grpc);
    http.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", http.actualPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    http.close().await(10, TimeUnit.SECONDS);
  }

  /** The test implementation: {@code ok n}, {@code fail n}, {@code hang n} or {@code flood n}, then a tag. */
  private static Future<Void> run(WatchMailboxRequest request, ResponseStream<MailboxEvent> stream) {
    String[] script = request.getCursor().split(" ");
    String tag = script[2];
    runs.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
    stream.closed().onSuccess(v -> closed.computeIfAbsent(tag, t -> new CountDownLatch(1)).countDown());
    int count = Integer.parseInt(script[1]);
    AtomicInteger counter = written.computeIfAbsent(tag, t -> new AtomicInteger());
    String padding = script[0].equals("flood") ? "x".repeat(16 * 1024) : "";
    Promise<Void> wrote = Promise.promise();
    pump(stream, count, padding, counter, wrote);
    return switch (script[0]) {
      case "fail" -> wrote.future().compose(v -> Future.failedFuture(new GatewayException(Reason.CONNECTION_NEEDS_REAUTH,
          "the mailbox must be connected again")));
      case "hang" -> wrote.future().compose(v -> Promise.<Void>promise().future());
      default -> wrote.future();
    };
  }

  /** Writes {@code left} events, each only once the previous write's future completed (back-pressure). */
  private static void pump(ResponseStream<MailboxEvent> stream, int left, String padding, AtomicInteger counter,
      Promise<Void> done) {
    for (int remaining = left; remaining > 0; remaining--) {
      Future<Void> write = stream.write(MailboxEvent.newBuilder().setCursor(counter.get() + padding).build());
      counter.incrementAndGet();
      if (!write.isComplete()) {
        int rest = remaining - 1;
        write.onComplete(ar -> {
          if (ar.succeeded()) {
            pump(stream, rest, padding, counter, done);
          } else {
            done.tryFail(ar.cause());
          }
        });
        return;
      }
      if (write.failed()) {
        done.tryFail(write.cause());
        return;
      }
    }
    done.tryComplete();
  }

  private static WatchMailboxRequest script(String kind, int count, String tag) {
    return WatchMailboxRequest.newBuilder().setUserId("watcher").setCursor(kind + " " + count + " " + tag).build();
  }

  private static String newTag() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static int runsOf(String tag) {
    return runs.getOrDefault(tag, new AtomicInteger()).get();
  }

  private static ClientInterceptor requestId(String id) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), id);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static MailServiceGrpc.MailServiceBlockingStub blocking(ClientInterceptor... interceptors) {
    return MailServiceGrpc.newBlockingStub(channel).withInterceptors(interceptors);
  }

  private static List<String> linesOf(AccessLines lines, String requestId, int atLeast) throws InterruptedException {
    lines.atLeast(atLeast);
    Thread.sleep(200); // a second line, if there were one, would be written by now
    return lines.atLeast(0).stream().map(ILoggingEvent::getFormattedMessage)
        .filter(line -> line.contains("request_id=" + requestId + " ")).toList();
  }

  @Test
  void anUnauthenticatedStreamIsRefusedBeforeTheImplementationRuns() throws Exception {
    String tag = newTag();
    try (AccessLines lines = new AccessLines()) {
      String id = "unauth-" + tag;
      assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> blocking(TestGateway.as("acme", "mgk_wrong"),
          requestId(id)).watchMailbox(script("ok", 1, tag)).hasNext());
      assertFails(Status.Code.UNAUTHENTICATED, "TENANT_MISSING", () -> blocking(TestGateway.as(null, TestGateway.ACME_KEY))
          .watchMailbox(script("ok", 1, tag)).hasNext());
      assertThat(linesOf(lines, id, 2)).singleElement().asString()
          .contains("rpc=mailgate.v1.MailService/WatchMailbox").contains("tenant=-").contains("status=UNAUTHENTICATED")
          .endsWith(" reason=API_KEY_INVALID");
    }
    assertThat(runsOf(tag)).isZero();
  }

  @Test
  void aRateLimitedStreamIsRefusedAndItsImplementationNeverRuns() throws Exception {
    String tag = newTag();
    var trickle = blocking(TestGateway.as(TRICKLE, "mgk_test_" + TRICKLE));
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 5; i++) {
      try {
        trickle.watchMailbox(script("ok", 1, tag)).forEachRemaining(event -> { });
        ok++;
      } catch (StatusRuntimeException e) {
        Failure failure = assertFails(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> {
          throw e;
        });
        assertThat(failure.retryInfo()).isPresent();
        limited++;
      }
    }
    assertThat(limited).isPositive();
    assertThat(runsOf(tag)).isEqualTo(ok);
  }

  @Test
  void aStreamThatWritesThenFailsEndsWithTheMappedStatusAndOneAccessLine() throws Exception {
    String tag = newTag();
    String id = "fail-" + tag;
    List<MailboxEvent> received = new ArrayList<>();
    try (AccessLines lines = new AccessLines()) {
      Failure failure = assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH",
          () -> blocking(TestGateway.acme(), requestId(id)).watchMailbox(script("fail", 3, tag))
              .forEachRemaining(received::add));
      assertThat(failure.message()).isEqualTo("the mailbox must be connected again");
      assertThat(failure.trailers().get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo(id);
      assertThat(linesOf(lines, id, 1)).singleElement().asString().contains("tenant=acme")
          .contains("status=FAILED_PRECONDITION").endsWith(" reason=CONNECTION_NEEDS_REAUTH");
    }
    assertThat(received).extracting(MailboxEvent::getCursor).containsExactly("0", "1", "2");
  }

  @Test
  void aStreamThatFinishesEndsOk() throws Exception {
    String tag = newTag();
    List<MailboxEvent> received = new ArrayList<>();
    blocking(TestGateway.acme()).watchMailbox(script("ok", 5, tag)).forEachRemaining(received::add);
    assertThat(received).hasSize(5);
    assertThat(closed.get(tag).await(5, TimeUnit.SECONDS)).isTrue();
  }

  /** A stream opened with an observer that can cancel it; completes with the first event or the failure. */
  private record Opened(CompletableFuture<ClientCallStreamObserver<WatchMailboxRequest>> call,
      CompletableFuture<MailboxEvent> first, CompletableFuture<Status> end, AtomicInteger received) {}

  private static Opened open(MailServiceGrpc.MailServiceStub stub, WatchMailboxRequest request, int initialRequests) {
    Opened opened = new Opened(new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>(),
        new AtomicInteger());
    stub.watchMailbox(request, new ClientResponseObserver<WatchMailboxRequest, MailboxEvent>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchMailboxRequest> call) {
        if (initialRequests > 0) {
          call.disableAutoRequestWithInitial(initialRequests);
        }
        opened.call().complete(call);
      }

      @Override
      public void onNext(MailboxEvent event) {
        opened.received().incrementAndGet();
        opened.first().complete(event);
      }

      @Override
      public void onError(Throwable error) {
        opened.first().completeExceptionally(error);
        opened.end().complete(Status.fromThrowable(error));
      }

      @Override
      public void onCompleted() {
        opened.end().complete(Status.OK);
      }
    });
    return opened;
  }

  @Test
  void aClientCancelEndsTheStreamAndReleasesItsInFlightSlot() throws Exception {
    String tag = newTag();
    String id = "cancel-" + tag;
    var single = MailServiceGrpc.newStub(channel).withInterceptors(TestGateway.as(SINGLE, "mgk_test_" + SINGLE));
    try (AccessLines lines = new AccessLines()) {
      Opened watching = open(single.withInterceptors(requestId(id)), script("hang", 1, tag), 0);
      watching.first().get(30, TimeUnit.SECONDS);

      // The tenant's one slot is the open stream's: another stream is refused while it lasts.
      Failure refused = assertFails(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED",
          () -> blocking(TestGateway.as(SINGLE, "mgk_test_" + SINGLE)).watchMailbox(script("ok", 1, tag)).hasNext());
      assertThat(refused.message()).contains("in flight");

      watching.call().get().cancel("the caller is done watching", null);
      assertThat(closed.computeIfAbsent(tag, t -> new CountDownLatch(1)).await(10, TimeUnit.SECONDS))
          .as("the implementation saw its stream close").isTrue();
      assertThat(linesOf(lines, id, 1)).singleElement().asString().contains("status=CANCELLED");
    }
    // The slot is free again: a new stream runs to its end.
    List<MailboxEvent> received = new ArrayList<>();
    blocking(TestGateway.as(SINGLE, "mgk_test_" + SINGLE)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .watchMailbox(script("ok", 2, newTag())).forEachRemaining(received::add);
    assertThat(received).hasSize(2);
  }

  @Test
  void aSlowConsumerHoldsTheProducerBackInsteadOfGrowingTheGatewaysMemory() throws Exception {
    String tag = newTag();
    int total = 2000; // 16 KiB each: 32 MiB if the gateway buffered them all
    Opened watching = open(MailServiceGrpc.newStub(channel).withInterceptors(TestGateway.acme()),
        script("flood", total, tag), 1);
    watching.first().get(30, TimeUnit.SECONDS);
    int stalled = awaitStable(written.get(tag));
    assertThat(stalled).as("messages handed to the stream while the client read one").isLessThan(total / 2);

    watching.call().get().request(total);
    assertThat(watching.end().get(60, TimeUnit.SECONDS)).isEqualTo(Status.OK);
    assertThat(watching.received().get()).isEqualTo(total);
  }

  /** The counter's value once it has not moved for half a second. */
  private static int awaitStable(AtomicInteger counter) throws InterruptedException {
    int last = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      int now = counter.get();
      if (now == last) {
        return now;
      }
      last = now;
      Thread.sleep(500);
    }
    throw new AssertionError("the producer never stopped: " + counter.get());
  }
}
