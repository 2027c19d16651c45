package dev.mailgate.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.proto.v1.WatchTenantRequest;
import dev.mailgate.server.cluster.ClusterPolicy;
import dev.mailgate.server.events.EventStreamPolicy;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping a gateway node (what SIGTERM does): it reports NOT_SERVING, ends event streams with
 * UNAVAILABLE / GATEWAY_DRAINING, lets the calls in flight finish and leaves no send pending.
 */
class GracefulShutdownTest {

  private static final Duration PROVIDER_LATENCY = Duration.ofMillis(1_500);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void aStoppingNodeFinishesItsCallsInFlightEndsItsStreamsAndReportsNotServing() throws Exception {
    String userId = Mailboxes.newUserId("drain");
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + "@gmail.test");
    TestGateway.Sibling node = gateway.get().startSibling(o -> o.withDrainTimeout(Duration.ofSeconds(10))
        .withEventStreams(new EventStreamPolicy(Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(1))));
    try {
      assertThat(http(node, "/readyz").statusCode()).isEqualTo(200);
      LinkedBlockingQueue<ServingStatus> health = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(node.channel()).watch(HealthCheckRequest.newBuilder().setService("").build(), observer(health));
      assertThat(health.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
      LinkedBlockingQueue<MailboxEvent> events = new LinkedBlockingQueue<>();
      CompletableFuture<Failure> stream = CompletableFuture.supplyAsync(() -> GrpcAssertions.failure(() ->
          MailServiceGrpc.newBlockingStub(node.channel()).withInterceptors(TestGateway.acme())
              .watchTenant(WatchTenantRequest.getDefaultInstance()).forEachRemaining(events::add)));
      assertThat(events.poll(10, TimeUnit.SECONDS)).as("the stream's first heartbeat").isNotNull();

      gateway.get().providers().sandbox().gmail().latency(PROVIDER_LATENCY);
      List<CompletableFuture<SendMessageResponse>> sends = new ArrayList<>();
      List<String> requestIds = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String requestId = "drain-" + UUID.randomUUID();
        requestIds.add(requestId);
        sends.add(CompletableFuture.supplyAsync(() -> MailServiceGrpc.newBlockingStub(node.channel())
            .withInterceptors(TestGateway.acme()).sendMessage(send(userId, connection, requestId))));
      }
      Thread.sleep(400); // the sends are at the provider now
      long stopping = System.nanoTime();
      var closed = node.server().close();

      Failure ended = stream.get(5, TimeUnit.SECONDS);
      assertThat(ended.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(ended.reason()).isEqualTo("GATEWAY_DRAINING");
      assertThat(health.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      for (CompletableFuture<SendMessageResponse> send : sends) {
        assertThat(send.get(15, TimeUnit.SECONDS).getMessageId()).isNotEmpty();
      }
      closed.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(9)); // not held until the drain timeout (10 s)
      long pending = gateway.get().onTenantData("acme", sql -> sql.preparedQuery(
              "SELECT count(*) FROM send_requests WHERE request_id = ANY($1) AND state <> 'SENT'")
          .execute(io.vertx.sqlclient.Tuple.of(requestIds.toArray(String[]::new)))
          .map(rows -> rows.iterator().next().getLong(0)));
      assertThat(pending).as("sends not SENT after the drain").isZero();
      assertThat(gateway.get().providers().sandbox().gmail().messageIdHeaders(userId + "@gmail.test", "SENT"))
          .hasSize(4);
    } finally {
      gateway.get().providers().sandbox().gmail().latency(Duration.ZERO);
      node.close();
    }
  }

  @Test
  void aServingNodeIsLiveAndReady() throws Exception {
    TestGateway.Sibling node = gateway.get().startSibling();
    try {
      assertThat(http(node, "/healthz").body()).contains("SERVING");
      HttpResponse<String> ready = http(node, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(HealthGrpc.newBlockingStub(node.channel()).check(HealthCheckRequest.newBuilder().setService("").build())
          .getStatus()).isEqualTo(ServingStatus.SERVING);
    } finally {
      node.close();
    }
  }

  @Test
  void aNodeWhoseCoordinationDatabaseStopsAnsweringIsNotReady() throws Exception {
    String database = "coordination_readyz";
    String uri = TestPostgres.get().createDatabaseUri(database);
    TestGateway.Sibling node = gateway.get().startSibling(o -> o.withCluster(ClusterPolicy.DEFAULT.withCoordinationDb(uri)));
    try (var admin = TestPostgres.get().jdbc("postgres"); var sql = admin.createStatement()) {
      assertThat(http(node, "/readyz").statusCode()).isEqualTo(200);

      sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
      sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");

      HttpResponse<String> ready = http(node, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("coordination database");
      assertThat(http(node, "/healthz").statusCode()).isEqualTo(200);
      sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
    } finally {
      node.close();
    }
  }

  private static SendMessageRequest send(String userId, Connection connection, String requestId) {
    return SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setRequestId(requestId).setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("drained " + requestId)
            .setTextBody("sent while the node stopped"))
        .build();
  }

  private static HttpResponse<String> http(TestGateway.Sibling node, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.server().port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static StreamObserver<HealthCheckResponse> observer(LinkedBlockingQueue<ServingStatus> statuses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse value) {
        statuses.add(value.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
