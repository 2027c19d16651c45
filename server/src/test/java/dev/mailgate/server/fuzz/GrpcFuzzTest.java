package dev.mailgate.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.mailgate.server.fuzz.RawGrpcClient.Header;
import dev.mailgate.server.testing.BlockedEventLoops;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes every RPC the gateway serves (learnt through reflection) through its gRPC surface, at the
 * HTTP/2 level: random field values, metadata no client library would send, and broken wire
 * encodings. Whatever comes in, no call may end in INTERNAL or UNKNOWN or go unanswered, every
 * error of a Mailgate method carries an ErrorInfo, and after every batch the gateway still answers
 * a health check and an ordinary call. CI runs a short round (the server pom's
 * {@code mailgate.fuzz.tries}, handed to jqwik as {@code jqwik.tries.default}); {@code
 * -Dmailgate.fuzz.tries=N} runs N tries per property (see the README).
 */
@PropertyDefaults(shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.RANDOM_SEED,
    edgeCases = EdgeCasesMode.NONE)
class GrpcFuzzTest {

  private static final int BATCH = 50;
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** Broken encodings are refused before any provider is called. */
  private static final Duration JUNK_DEADLINE = Duration.ofSeconds(3);
  private static final Duration WAIT = DEADLINE.plusSeconds(10);
  /** Services whose methods by design never end (a health watch stays open as long as the client likes). */
  private static final Set<String> ENDLESS = Set.of("grpc.health.v1.Health.Watch");

  private static FuzzFixture fuzz;
  private static List<MethodDescriptor> methods;
  private static long calls;

  /** One fuzzed call: method, metadata and body, printable for jqwik's report. */
  record Call(MethodDescriptor method, FuzzMetadata.Headers metadata, DynamicMessage request, WireJunk.Body junk) {
    byte[] body() {
      return junk != null ? junk.framed() : RawGrpcClient.frame(request.toByteArray());
    }

    @Override
    public String toString() {
      String text = request == null ? "" : TextFormat.printer().escapingNonAscii(true).shortDebugString(request);
      return method.getFullName() + " metadata[" + metadata + "] "
          + (junk != null ? "body: " + junk : "request: " + (text.length() > 1500 ? text.substring(0, 1500) + "...("
          + text.length() + " chars)" : text));
    }
  }

  @BeforeContainer
  static void startGateway() throws Exception {
    BlockedEventLoops.watch();
    fuzz = FuzzFixture.start();
    methods = ServiceCatalogue.methods(fuzz.gateway.channel(), "").stream()
        .filter(m -> !ENDLESS.contains(m.getFullName())).toList();
    assertThat(methods).extracting(MethodDescriptor::getFullName)
        .contains("mailgate.v1.UserService.CreateUser", "mailgate.v1.ConnectionService.CreateImapConnection",
            "mailgate.v1.MailService.SendMessage", "mailgate.v1.ReportService.GetTenantSummary",
            "grpc.health.v1.Health.Check", "grpc.reflection.v1.ServerReflection.ServerReflectionInfo");
  }

  @AfterContainer
  static void stopGateway() throws Exception {
    System.out.println("gRPC fuzz: " + calls + " calls over " + (methods == null ? 0 : methods.size()) + " methods");
    if (fuzz != null) {
      fuzz.close();
    }
    assertThat(BlockedEventLoops.drain()).as("event loops blocked while fuzzing").isEmpty();
  }

  @Property
  void everyRpcWithRandomFieldsAndMetadata(@ForAll("calls") Call call) throws Exception {
    check(call);
  }

  @Property
  void everyRpcWithBrokenWireEncodings(@ForAll("junkCalls") Call call) throws Exception {
    check(call);
  }

  @Property
  void metadataNoClientLibraryWouldSend(@ForAll("strangeMetadataCalls") Call call) throws Exception {
    check(call);
  }

  @AfterProperty
  void stillServing() throws Exception {
    fuzz.assertAlive();
  }

  @Provide
  Arbitrary<Call> calls() {
    ProtoArbitraries messages = new ProtoArbitraries(new FuzzValues(fuzz.real), fuzz.real);
    return Arbitraries.of(methods).flatMap(method -> Combinators.combine(FuzzMetadata.any(),
        messages.messages(method.getInputType())).as((metadata, request) -> new Call(method, metadata, request, null)));
  }

  @Provide
  Arbitrary<Call> junkCalls() {
    ProtoArbitraries messages = new ProtoArbitraries(new FuzzValues(fuzz.real), fuzz.real);
    return Arbitraries.of(methods).flatMap(method -> messages.messages(method.getInputType())
        .filter(request -> request.getSerializedSize() < 64 * 1024)
        .flatMap(request -> WireJunk.of(method.getInputType(), request.toByteArray())
            .flatMap(junk -> FuzzMetadata.valid().map(metadata -> new Call(method, junk.compressedHeader()
                ? new FuzzMetadata.Headers(withHeader(metadata.headers(), Header.of("grpc-encoding", "gzip")), true)
                : metadata, request, junk)))));
  }

  @Provide
  Arbitrary<Call> strangeMetadataCalls() {
    ProtoArbitraries messages = new ProtoArbitraries(new FuzzValues(fuzz.real), fuzz.real);
    return Arbitraries.of(methods).flatMap(method -> Combinators.combine(FuzzMetadata.fuzzed(),
        messages.messages(method.getInputType())).as((metadata, request) -> new Call(method, metadata, request, null)));
  }

  private static List<Header> withHeader(List<Header> headers, Header extra) {
    List<Header> all = new ArrayList<>(headers);
    all.add(extra);
    return all;
  }

  private void check(Call call) throws Exception {
    List<Header> headers = new ArrayList<>(call.metadata().headers());
    if (headers.stream().noneMatch(h -> h.name().equals("grpc-timeout"))) {
      headers.add(Header.of("grpc-timeout", (call.junk() == null ? DEADLINE : JUNK_DEADLINE).toSeconds() + "S"));
    }
    String path = "/" + call.method().getService().getFullName() + "/" + call.method().getName();
    Outcome outcome = fuzz.raw.call(path, headers, call.body(), WAIT, call.method().isServerStreaming());
    calls++;
    Statistics.label("outcome").collect(call.method().getName(), outcome.label());
    verify(call, outcome);
    if (outcome.kind() == Outcome.Kind.GRPC && outcome.code() == Code.OK && call.junk() == null) {
      outcome.firstMessage().ifPresent(bytes -> learn(call, bytes));
    }
    if (calls % BATCH == 0) {
      fuzz.assertAlive();
      fuzz.keepDeep();
    }
  }

  private static void verify(Call call, Outcome outcome) {
    String what = "answer to " + call;
    if (outcome.kind() == Outcome.Kind.OPEN_STREAM) {
      return;
    }
    boolean streaming = call.method().isClientStreaming() || call.method().isServerStreaming();
    if (outcome.kind() == Outcome.Kind.TRANSPORT && streaming && call.junk() != null && call.junk().cancelsStreams()) {
      return; // a Vert.x limitation (see WireJunk.Body)
    }
    if (outcome.kind() == Outcome.Kind.TRANSPORT && outcome.problem().startsWith(RawGrpcClient.CLIENT_REFUSED)) {
      return; // nothing reached the gateway: the client's HTTP/2 encoder refused the header block
    }
    if (outcome.kind() == Outcome.Kind.TRANSPORT && call.junk() != null
        && call.method().getService().getFullName().startsWith("grpc.health.")) {
      return; // Vert.x's own health service cancels a call whose message does not decode (CANCELLED)
    }
    if (outcome.kind() != Outcome.Kind.GRPC) {
      assertThat(call.metadata().malformedOrOversized())
          .as("%s: only headers HTTP/2 forbids or oversized ones may be refused below gRPC; got %s", what, outcome)
          .isTrue();
      assertThat(outcome.kind()).as(what).isIn(Outcome.Kind.TRANSPORT, Outcome.Kind.HTTP);
      return;
    }
    assertThat(outcome.code()).as("%s: %s", what, outcome).isNotIn(Code.INTERNAL, Code.UNKNOWN);
    if (call.junk() != null && call.junk().unanswered() && outcome.code() == Code.DEADLINE_EXCEEDED) {
      return; // a Vert.x limitation (see WireJunk.Body): the deadline ends the call, the gateway stays up
    }
    assertThat(outcome.code()).as("%s: a call against local sandboxes ran into its %s deadline", what, DEADLINE)
        .isNotEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(outcome.problem()).as(what).isNull();
    if (outcome.code() != Code.OK && call.method().getService().getFullName().startsWith("mailgate.v1.")) {
      assertThat(outcome.reason()).as("%s: ErrorInfo of %s", what, outcome).isPresent();
      assertThat(outcome.details().orElseThrow().getCode()).as(what).isEqualTo(outcome.code().value());
    }
  }

  private static void learn(Call call, byte[] answer) {
    try {
      fuzz.real.learn(call.request(), DynamicMessage.parseFrom(call.method().getOutputType(), answer));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the gateway answered " + call.method().getFullName() + " with bytes that do not parse", e);
    }
  }
}
