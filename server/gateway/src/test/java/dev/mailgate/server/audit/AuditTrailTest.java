package dev.mailgate.server.audit;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.AgentAccessServiceGrpc;
import dev.mailgate.proto.v1.AgentScope;
import dev.mailgate.proto.v1.AuditActorType;
import dev.mailgate.proto.v1.AuditEvent;
import dev.mailgate.proto.v1.AuditServiceGrpc;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateAgentTokenRequest;
import dev.mailgate.proto.v1.CreateAgentTokenResponse;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListAuditEventsRequest;
import dev.mailgate.proto.v1.ListAuditEventsResponse;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit trail (issue 15 §4), through the public surface of the production wiring: calls by the
 * API key, by an agent token and through MCP are listed by ListAuditEvents for their user with
 * actor, method, outcome and request id and no content; paging, time ranges, retention, batching
 * (far fewer INSERT statements than calls) and the flush on shutdown.
 */
class AuditTrailTest {

  /** Sweeps after every batch, so that retention shows at once. */
  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(java.util.Map.of(), options -> options.withAudit(
      new AuditPolicy(true, 500, Duration.ofSeconds(1), 10_000, 100_000, 5, Duration.ZERO)));

  private static final String SECRET_QUERY = "subject:quarterly-merger-plans-xyz";

  private static <S extends AbstractStub<S>> S as(S stub, ClientInterceptor who, String requestId) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), requestId);
    return stub.withInterceptors(who, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static ClientInterceptor bearer(String token) {
    return TestGateway.as(null, token);
  }

  private static UserServiceGrpc.UserServiceBlockingStub users() {
    return UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub connections(ClientInterceptor who, String requestId) {
    return as(ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()), who, requestId);
  }

  private static AuditServiceGrpc.AuditServiceBlockingStub audit(ClientInterceptor who) {
    return AuditServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(who);
  }

  private static String newUser(String prefix) {
    String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    users().createUser(CreateUserRequest.newBuilder().setUserId(id).build());
    return id;
  }

  /** A connection arranged in the database (not an audited call). */
  private static String connect(String userId) {
    ConnectionRecord record = gateway.get().onTenantData("acme", db -> new ConnectionStore().insert(db, userId,
        ProviderKind.GMAIL, userId + "@example.com", List.of("gmail.modify"), ConnectionStatus.ACTIVE));
    return record.id().toString();
  }

  private static List<AuditEvent> all(ClientInterceptor who, String userId) {
    return audit(who).listAuditEvents(ListAuditEventsRequest.newBuilder().setUserId(userId).setPageSize(1000).build())
        .getAuditEventsList();
  }

  private static GetConnectionRequest getConnection(String userId, String connectionId) {
    return GetConnectionRequest.newBuilder().setUserId(userId).setConnectionId(connectionId).build();
  }

  /** What an entry says, in one line, for exact comparisons. */
  private static String line(AuditEvent e) {
    return String.join(" ", e.getActorType().name(), e.getActorId(), e.getUserId(),
        e.getConnectionId().isEmpty() ? "_" : e.getConnectionId(), e.getMethod(), e.getStatus(),
        e.getReason().isEmpty() ? "_" : e.getReason(), e.getRequestId());
  }

  @Test
  void aUsersTrailListsExactlyTheCallsOnThemNewestFirstWithActorOutcomeAndRequestId() {
    String alice = newUser("alice");
    String bob = newUser("bob");
    String bobsConnection = connect(bob);
    String run = UUID.randomUUID().toString().substring(0, 8);

    connections(TestGateway.acme(), run + "-1").listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).build());
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> connections(TestGateway.acme(), run + "-2").getConnection(getConnection(alice, bobsConnection)));
    CreateAgentTokenResponse minted = as(AgentAccessServiceGrpc.newBlockingStub(gateway.get().channel()),
        TestGateway.acme(), run + "-3").createAgentToken(CreateAgentTokenRequest.newBuilder().setUserId(alice)
        .addScopes(AgentScope.AGENT_SCOPE_READ).build());
    String tokenId = minted.getAgentToken().getAgentTokenId();
    ClientInterceptor agent = bearer(minted.getToken());
    connections(agent, run + "-4").listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).build());
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> connections(agent, run + "-5").getConnection(getConnection(alice, bobsConnection)));
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> connections(agent, run + "-6").listConnections(ListConnectionsRequest.newBuilder().setUserId(bob).build()));
    // Refused before the caller is known: no one's entry.
    assertThat(catchCode(() -> connections(TestGateway.as("acme", "mgk_wrong"), run + "-7")
        .listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);

    List<AuditEvent> alices = all(TestGateway.acme(), alice);
    String cs = "mailgate.v1.ConnectionService/";
    assertThat(alices.stream().map(AuditTrailTest::line).toList()).containsExactly(
        "AUDIT_ACTOR_TYPE_AGENT_TOKEN " + tokenId + " " + alice + " " + bobsConnection + " " + cs
            + "GetConnection NOT_FOUND CONNECTION_NOT_FOUND " + run + "-5",
        "AUDIT_ACTOR_TYPE_AGENT_TOKEN " + tokenId + " " + alice + " _ " + cs + "ListConnections OK _ " + run + "-4",
        "AUDIT_ACTOR_TYPE_API_KEY test " + alice + " _ mailgate.v1.AgentAccessService/CreateAgentToken OK _ " + run + "-3",
        "AUDIT_ACTOR_TYPE_API_KEY test " + alice + " " + bobsConnection + " " + cs
            + "GetConnection NOT_FOUND CONNECTION_NOT_FOUND " + run + "-2",
        "AUDIT_ACTOR_TYPE_API_KEY test " + alice + " _ " + cs + "ListConnections OK _ " + run + "-1",
        "AUDIT_ACTOR_TYPE_API_KEY test " + alice + " _ mailgate.v1.UserService/CreateUser OK _ "
            + alices.get(5).getRequestId());
    assertThat(alices).allSatisfy(entry -> assertThat(entry.getTime().getSeconds()).isPositive());
    for (int i = 1; i < alices.size(); i++) {
      assertThat(instant(alices.get(i - 1).getTime())).isAfterOrEqualTo(instant(alices.get(i).getTime()));
    }

    // Bob's trail has the agent's refused attempt on him and his creation, nothing of Alice's.
    assertThat(all(TestGateway.acme(), bob).stream().map(AuditTrailTest::line).toList()).containsExactly(
        "AUDIT_ACTOR_TYPE_AGENT_TOKEN " + tokenId + " " + bob + " _ " + cs + "ListConnections NOT_FOUND USER_NOT_FOUND "
            + run + "-6",
        "AUDIT_ACTOR_TYPE_API_KEY test " + bob + " _ mailgate.v1.UserService/CreateUser OK _ "
            + all(TestGateway.acme(), bob).get(1).getRequestId());
    // Another tenant sees none of it; an agent token may not read the trail.
    assertThat(all(TestGateway.globex(), alice)).isEmpty();
    assertFails(Status.Code.PERMISSION_DENIED, "AGENT_METHOD_NOT_ALLOWED",
        () -> audit(agent).listAuditEvents(ListAuditEventsRequest.newBuilder().setUserId(alice).build()));
  }

  @Test
  void mcpToolCallsAreRecordedWithTheirAgentToken() throws Exception {
    String carol = newUser("carol");
    CreateAgentTokenResponse minted = AgentAccessServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.acme()).createAgentToken(CreateAgentTokenRequest.newBuilder().setUserId(carol)
            .addScopes(AgentScope.AGENT_SCOPE_READ).build());
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.get().port() + "/mcp"))
        .header("content-type", "application/json").header("accept", "application/json, text/event-stream")
        .header("authorization", "Bearer " + minted.getToken())
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"list_connections\",\"arguments\":{}}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

    AuditEvent newest = all(TestGateway.acme(), carol).get(0);
    assertThat(newest.getActorType()).isEqualTo(AuditActorType.AUDIT_ACTOR_TYPE_AGENT_TOKEN);
    assertThat(newest.getActorId()).isEqualTo(minted.getAgentToken().getAgentTokenId());
    assertThat(newest.getMethod()).isEqualTo("mailgate.v1.ConnectionService/ListConnections");
    assertThat(newest.getStatus()).isEqualTo("OK");
    assertThat(newest.getRequestId()).isNotEmpty();
  }

  @Test
  void noContentIsStoredNeitherQueriesNorAddressesNorKeysOrTokens() throws Exception {
    String dave = newUser("dave");
    String token = AgentAccessServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createAgentToken(CreateAgentTokenRequest.newBuilder().setUserId(dave).addScopes(AgentScope.AGENT_SCOPE_READ)
            .build()).getToken();
    catchCode(() -> MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .searchMessages(SearchMessagesRequest.newBuilder().setUserId(dave).setConnectionId("-").setQuery(SECRET_QUERY)
            .build()));
    catchCode(() -> MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(bearer(token))
        .searchMessages(SearchMessagesRequest.newBuilder().setUserId(dave).setConnectionId("not a connection <x@y.z>")
            .setQuery(SECRET_QUERY).build()));

    List<AuditEvent> entries = all(TestGateway.acme(), dave);
    assertThat(entries).extracting(AuditEvent::getMethod).containsExactly("mailgate.v1.MailService/SearchMessages",
        "mailgate.v1.MailService/SearchMessages", "mailgate.v1.AgentAccessService/CreateAgentToken",
        "mailgate.v1.UserService/CreateUser");
    assertThat(entries.get(0).getConnectionId()).isEqualTo("invalid");
    assertThat(entries.get(1).getConnectionId()).isEqualTo("-");
    try (Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"));
         ResultSet rows = db.createStatement().executeQuery("SELECT row_to_json(a)::text FROM audit_events a")) {
      while (rows.next()) {
        assertThat(rows.getString(1)).doesNotContain("quarterly-merger", "@", TestGateway.ACME_KEY, token);
      }
    }
  }

  @Test
  void pagesAndTimeRangesCoverTheTrailExactly() {
    String erin = newUser("erin");
    for (int i = 0; i < 7; i++) {
      as(UserServiceGrpc.newBlockingStub(gateway.get().channel()), TestGateway.acme(), "erin-" + i)
          .getUser(GetUserRequest.newBuilder().setUserId(erin).build());
    }
    List<AuditEvent> everything = all(TestGateway.acme(), erin);
    assertThat(everything).hasSize(8);
    assertThat(everything.get(0).getRequestId()).isEqualTo("erin-6");

    List<AuditEvent> paged = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListAuditEventsResponse page = audit(TestGateway.acme()).listAuditEvents(ListAuditEventsRequest.newBuilder()
          .setUserId(erin).setPageSize(3).setPageToken(token).build());
      paged.addAll(page.getAuditEventsList());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(paged).isEqualTo(everything);

    // [start, end): from the 6th newest, up to (not including) the 2nd newest.
    Timestamp start = everything.get(5).getTime();
    Timestamp end = everything.get(1).getTime();
    List<AuditEvent> range = audit(TestGateway.acme()).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .setUserId(erin).setStartTime(start).setEndTime(end).build()).getAuditEventsList();
    assertThat(range).isEqualTo(everything.subList(2, 6));

    String first = audit(TestGateway.acme()).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .setUserId(erin).setPageSize(3).build()).getNextPageToken();
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> audit(TestGateway.acme()).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .setUserId("someone-else").setPageToken(first).build()));
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> audit(TestGateway.acme()).listAuditEvents(ListAuditEventsRequest.newBuilder()
        .setUserId(erin).setStartTime(end).setEndTime(start).build()));
  }

  @Test
  void entriesOlderThanTheRetentionAreNeitherListedNorKept() {
    String frank = newUser("frank");
    Instant old = Instant.now().minus(Duration.ofDays(91));
    Instant recent = Instant.now().minus(Duration.ofDays(89));
    gateway.get().onTenantData("acme", db -> db.preparedQuery("INSERT INTO audit_events (call_time, actor_type, actor_id,"
            + " user_id, connection_id, method, status, reason, request_id) VALUES ($1, 'API_KEY', 'test', $2, '',"
            + " 'mailgate.v1.UserService/GetUser', 'OK', '', $3)")
        .executeBatch(List.of(Tuple.of(java.time.OffsetDateTime.ofInstant(old, java.time.ZoneOffset.UTC), frank, "old"),
            Tuple.of(java.time.OffsetDateTime.ofInstant(recent, java.time.ZoneOffset.UTC), frank, "recent"))));

    // A call writes a batch, and the (here immediate) sweep follows it.
    users().getUser(GetUserRequest.newBuilder().setUserId(frank).build());
    assertThat(all(TestGateway.acme(), frank)).extracting(AuditEvent::getRequestId).doesNotContain("old")
        .contains("recent").hasSize(3);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (countRows(frank, "old") > 0 && System.nanoTime() < deadline) {
      sleep(100);
    }
    assertThat(countRows(frank, "old")).isZero();
    assertThat(countRows(frank, "recent")).isOne();
  }

  @Test
  void manyCallsAreWrittenWithFarFewerStatements() {
    String grace = newUser("grace");
    AuditTrail trail = gateway.get().server().audit();
    assertThat(all(TestGateway.acme(), grace)).hasSize(1); // writes what was waiting
    long batches = trail.batchesWritten();
    long entries = trail.entriesWritten();
    UserServiceGrpc.UserServiceBlockingStub stub = users();
    int calls = 300;
    for (int i = 0; i < calls; i++) {
      stub.getUser(GetUserRequest.newBuilder().setUserId(grace).build());
    }
    assertThat(all(TestGateway.acme(), grace)).hasSize(calls + 1);
    long statements = trail.batchesWritten() - batches;
    assertThat(trail.entriesWritten() - entries).isEqualTo(calls);
    // One INSERT per batch: at least 15 entries per statement on average, however slow the machine.
    assertThat(statements).isBetween(1L, calls / 15L);
    assertThat(trail.lost()).isZero();
  }

  @Test
  void aGracefulShutdownWritesTheEntriesStillWaiting() throws Exception {
    // Batches that would wait an hour: only the shutdown writes them.
    TestGateway other = TestGateway.start(java.util.Map.of(), options -> options.withAudit(
        new AuditPolicy(true, 500, Duration.ofHours(1), 10_000, 100_000, 5, Duration.ofMinutes(1))));
    String database = other.database("acme");
    String henry = "henry-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      UserServiceGrpc.newBlockingStub(other.channel()).withInterceptors(TestGateway.acme())
          .createUser(CreateUserRequest.newBuilder().setUserId(henry).build());
      for (int i = 0; i < 5; i++) {
        UserServiceGrpc.newBlockingStub(other.channel()).withInterceptors(TestGateway.acme())
            .getUser(GetUserRequest.newBuilder().setUserId(henry).build());
      }
      assertThat(other.server().audit().entriesWritten()).isZero();
    } finally {
      other.close();
    }
    try (Connection db = TestPostgres.get().jdbc(database);
         ResultSet rows = db.createStatement().executeQuery(
             "SELECT count(*) FROM audit_events WHERE user_id = '" + henry + "'")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(6);
    }
  }

  private static Instant instant(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  private static long countRows(String userId, String requestId) {
    return gateway.get().onTenantData("acme", db -> db.preparedQuery(
            "SELECT count(*) AS n FROM audit_events WHERE user_id = $1 AND request_id = $2")
        .execute(Tuple.of(userId, requestId)).map(rows -> rows.iterator().next().getLong("n")));
  }

  private static Status.Code catchCode(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
