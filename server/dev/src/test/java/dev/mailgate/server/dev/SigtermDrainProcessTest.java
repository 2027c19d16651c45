package dev.mailgate.server.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.sandbox.EmbeddedDatabase;
import dev.mailgate.server.sandbox.ProviderSandbox;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real gateway process ({@code mailgate dev}, started from this module's classpath
 * with {@link DevMain}, the app jar's main class): the sends in flight, held by a slow Gmail,
 * finish OK; an open WatchMailbox stream ends with UNAVAILABLE / GATEWAY_DRAINING; the process
 * exits 0 before its drain timeout; and the tenant database (reopened after the process is gone)
 * holds every send as SENT, none pending. The provider sandbox runs in this JVM ({@code --sandbox-url})
 * so the test can slow it down; dev mode's embedded PostgreSQL is the process's own, which is
 * what makes the order of shutdown matter: the drain must run before the database stops.
 */
class SigtermDrainProcessTest {

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration PROVIDER_LATENCY = Duration.ofMillis(2_000);
  private static final int SENDS = 4;
  private static final Pattern READY = Pattern.compile("Mailgate dev gateway ready on (\\S+):(\\d+)");
  private static final Pattern ACME = Pattern.compile("(?m)^\\s*tenant acme\\s+database (\\S+)\\s+api key (mgk_\\S+)");
  private static final String BANNER_END = "Press Ctrl-C to stop";

  @Test
  void sigtermLetsCallsInFlightFinishEndsStreamsAndExitsZeroWithNoSendPending() throws Exception {
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sigterm-drain");
    Path dataDir = dir.resolve("data");
    Path log = dir.resolve("gateway.log");
    Vertx vertx = Vertx.vertx();
    Process process = null;
    ManagedChannel channel = null;
    try {
      ProviderSandbox sandbox = ProviderSandbox.start(vertx, "127.0.0.1", 0).await(30, TimeUnit.SECONDS);
      DemoMail.seed(sandbox, null);
      List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
          "-cp", System.getProperty("java.class.path"), DevMain.class.getName(),
          "dev", "--port", "0", "--data-dir", dataDir.toString(), "--sandbox-url", sandbox.baseUrl() + "/",
          "--drain-timeout", DRAIN_TIMEOUT.toString(), "--watch", "off");
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
      String banner = awaitBanner(process, log, Duration.ofSeconds(120));
      Matcher ready = READY.matcher(banner);
      assertThat(ready.find()).as("ready line in " + log).isTrue();
      Matcher acme = ACME.matcher(banner);
      assertThat(acme.find()).as("tenant acme's line in " + log).isTrue();
      String database = acme.group(1);
      String apiKey = acme.group(2);
      channel = ManagedChannelBuilder.forAddress(ready.group(1), Integer.parseInt(ready.group(2))).usePlaintext().build();
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER), "acme");
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
      var auth = MetadataUtils.newAttachHeadersInterceptor(headers);

      Connection connection = authorize(channel, auth, "alice", "alice@example.com");
      CompletableFuture<StatusRuntimeException> stream = new CompletableFuture<>();
      MailServiceGrpc.newStub(channel).withInterceptors(auth).watchMailbox(WatchMailboxRequest.newBuilder()
          .setUserId("alice").setConnectionId(connection.getConnectionId()).build(), new StreamObserver<MailboxEvent>() {
            @Override
            public void onNext(MailboxEvent event) {}

            @Override
            public void onError(Throwable t) {
              stream.complete(t instanceof StatusRuntimeException e ? e : Status.fromThrowable(t).asRuntimeException());
            }

            @Override
            public void onCompleted() {
              stream.complete(null);
            }
          });

      sandbox.gmail().latency(PROVIDER_LATENCY);
      List<String> requestIds = new ArrayList<>();
      List<CompletableFuture<SendMessageResponse>> sends = new ArrayList<>();
      for (int i = 0; i < SENDS; i++) {
        String requestId = "sigterm-" + UUID.randomUUID();
        requestIds.add(requestId);
        var mail = MailServiceGrpc.newBlockingStub(channel).withInterceptors(auth);
        sends.add(CompletableFuture.supplyAsync(() -> mail.sendMessage(send(connection, requestId))));
      }
      Thread.sleep(800); // the sends are at the (slow) provider now, the stream is open
      assertThat(stream).as("the stream before SIGTERM").isNotDone();
      assertThat(sends).as("sends before SIGTERM").noneMatch(CompletableFuture::isDone);

      long signalled = System.nanoTime();
      process.destroy(); // SIGTERM

      StatusRuntimeException ended = stream.get(10, TimeUnit.SECONDS);
      assertThat(ended).as("the stream ends with an error, not OK").isNotNull();
      assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(reasonOf(ended)).isEqualTo("GATEWAY_DRAINING");
      for (CompletableFuture<SendMessageResponse> send : sends) {
        assertThat(send.get(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getMessageId()).isNotEmpty();
      }
      assertThat(process.waitFor(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the process exits within the drain timeout; see " + log).isTrue();
      Duration stopping = Duration.ofNanos(System.nanoTime() - signalled);
      assertThat(process.exitValue()).as("exit status after a clean drain; see " + log).isZero();
      assertThat(stopping).isLessThan(DRAIN_TIMEOUT);
      assertThat(Files.readString(log)).contains("stopping: draining calls").contains("stopped");
      assertThat(sandbox.gmail().messageIdHeaders("alice@example.com", "SENT")).hasSize(SENDS);

      // The process and its PostgreSQL are gone: open the same data directory again and look.
      try (EmbeddedDatabase reopened = EmbeddedDatabase.start(dataDir);
          var sql = DriverManager.getConnection("jdbc:postgresql://" + reopened.host() + ":" + reopened.port() + "/"
              + database, EmbeddedDatabase.USER, "");
          var query = sql.prepareStatement("SELECT state, count(*) FROM send_requests WHERE request_id = ANY(?) GROUP BY state")) {
        query.setArray(1, sql.createArrayOf("text", requestIds.toArray()));
        Map<String, Long> states = new HashMap<>();
        try (var rows = query.executeQuery()) {
          while (rows.next()) {
            states.put(rows.getString(1), rows.getLong(2));
          }
        }
        assertThat(states).as("send_requests by state after the drain").isEqualTo(Map.of("SENT", (long) SENDS));
      }
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (process != null && process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      stopLeftovers(dataDir);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** StartAuthorization, the local OAuth server's sign-in, CompleteAuthorization: an active Gmail connection. */
  private static Connection authorize(ManagedChannel channel, io.grpc.ClientInterceptor auth, String userId,
      String address) throws Exception {
    var connections = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(auth);
    String url = connections.startAuthorization(StartAuthorizationRequest.newBuilder().setUserId(userId)
        .setProvider(Provider.PROVIDER_GMAIL).build()).getAuthorizationUrl();
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(address, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode() / 100).as("sign-in redirects: " + signedIn.body()).isEqualTo(3);
    Map<String, String> callback = query(signedIn.headers().firstValue("location").orElseThrow());
    return connections.completeAuthorization(CompleteAuthorizationRequest.newBuilder()
        .setState(callback.get("state")).setCode(callback.get("code")).build());
  }

  private static SendMessageRequest send(Connection connection, String requestId) {
    return SendMessageRequest.newBuilder().setUserId("alice").setConnectionId(connection.getConnectionId())
        .setRequestId(requestId).setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("sent during SIGTERM " + requestId)
            .setTextBody("in flight while the gateway process stopped"))
        .build();
  }

  private static String reasonOf(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details != null) {
      for (Any detail : details.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          return detail.unpack(ErrorInfo.class).getReason();
        }
      }
    }
    return null;
  }

  private static Map<String, String> query(String url) {
    Map<String, String> params = new HashMap<>();
    String raw = URI.create(url).getRawQuery();
    for (String pair : raw == null ? new String[0] : raw.split("&")) {
      int eq = pair.indexOf('=');
      params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  /** Waits until the process printed its whole banner, and returns what it printed so far. */
  private static String awaitBanner(Process process, Path log, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String printed = Files.exists(log) ? Files.readString(log) : "";
      if (printed.contains(BANNER_END)) {
        return printed;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the gateway exited with " + process.exitValue() + ":\n" + printed);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the gateway was not ready within " + timeout + "; see " + log);
  }

  /** Embedded PostgreSQL runs detached from the gateway's JVM: end whatever still names this run's data directory. */
  private static void stopLeftovers(Path dataDir) {
    String marker = dataDir.toAbsolutePath().toString();
    List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false)).toList();
    leftovers.forEach(ProcessHandle::destroy);
    for (ProcessHandle leftover : leftovers) {
      try {
        leftover.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception slow) {
        leftover.destroyForcibly();
      }
    }
  }
}
