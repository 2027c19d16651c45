package dev.mailgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The load generator against the real gateway (TestGateway, embedded PostgreSQL): short runs in
 * both modes, with the right key (all OK) and a wrong one (all UNAUTHENTICATED, none a success),
 * and the direct SQL target on the same tenant database. CI runs it: keep it short.
 */
class LoadgenSmokeTest {

  private static final Duration WARMUP = Duration.ofMillis(300);
  private static final String USER = "loadgen-user";

  private static TestGateway gateway;
  private static Vertx vertx;
  private static LoadEngine engine;

  @BeforeAll
  static void start() throws Exception {
    // Three bench-style tenants (bench0000..bench0002, key mgk_bench_<id>), a schema each in acme's database.
    Map<String, String> benchTenants = new java.util.HashMap<>();
    for (int i = 0; i < 3; i++) {
      String id = String.format("bench%04d", i);
      benchTenants.put(id + ".yaml", TestGateway.tenantYaml(id, "${ACME_DATABASE}", "mgk_bench_" + id)
          .replace("  pool_size: 4", "  pool_size: 4\n  schema: " + id));
    }
    gateway = TestGateway.start(benchTenants);
    for (int i = 0; i < 3; i++) {
      String id = String.format("bench%04d", i);
      UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.as(id, "mgk_bench_" + id))
          .createUser(CreateUserRequest.newBuilder().setUserId(USER).build());
    }
    UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(USER).build());
    gateway.onTenantData("acme", db -> new ConnectionStore().insert(db, USER, ProviderKind.GMAIL,
        "loadgen@example.com", List.of("gmail.modify"), ConnectionStatus.ACTIVE));
    vertx = Vertx.vertx();
    engine = new LoadEngine(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static GatewayTarget gatewayTarget(String apiKey) {
    return new GatewayTarget(vertx, "127.0.0.1", gateway.port(), "acme", apiKey, USER, 5_000);
  }

  private static void assertAllOk(LoadResult result) {
    assertThat(result.requests()).isPositive();
    assertThat(result.statuses()).containsOnlyKeys("OK");
    assertThat(result.ok()).isEqualTo(result.requests());
    assertThat(result.errors()).isZero();
    assertThat(result.histogramCount()).isEqualTo(result.ok());
    assertThat(result.p50Micros()).isPositive().isLessThanOrEqualTo(result.p99Micros());
    assertThat(result.p99Micros()).isLessThanOrEqualTo(result.p999Micros());
    assertThat(result.p999Micros()).isLessThanOrEqualTo(result.maxMicros());
    assertThat(result.warmupRequests()).isPositive();
  }

  private static void assertAllUnauthenticated(LoadResult result) {
    assertThat(result.requests()).isPositive();
    assertThat(result.statuses()).containsOnlyKeys("UNAUTHENTICATED");
    assertThat(result.statuses().get("UNAUTHENTICATED")).isEqualTo(result.requests());
    assertThat(result.ok()).isZero();
    assertThat(result.errors()).isEqualTo(result.requests());
    assertThat(result.histogramCount()).isZero();
    assertThat(result.throughput()).isZero();
  }

  @Test
  void gatewayClosedAndOpenLoop() throws Exception {
    try (GatewayTarget target = gatewayTarget(TestGateway.ACME_KEY)) {
      LoadResult closed = engine.run(target, LoadSpec.closed(4, WARMUP, Duration.ofSeconds(2)));
      assertAllOk(closed);

      LoadResult open = engine.run(target, LoadSpec.open(100, WARMUP, Duration.ofSeconds(2)));
      assertAllOk(open);
      // 100/s for 2 s: the schedule, not the server, decides how many calls are made.
      assertThat(open.requests()).isBetween(195L, 205L);
      assertThat(Report.table(List.of(closed, open))).contains("closed x4", "open 100/s");
    }
  }

  @Test
  void wrongKeyIsNeverASuccess() throws Exception {
    try (GatewayTarget target = gatewayTarget("mgk_wrong_key")) {
      assertAllUnauthenticated(engine.run(target, LoadSpec.closed(4, WARMUP, Duration.ofSeconds(1))));
      LoadResult open = engine.run(target, LoadSpec.open(100, WARMUP, Duration.ofSeconds(1)));
      assertAllUnauthenticated(open);
      assertThat(open.toJson().getJsonObject("statuses").getLong("UNAUTHENTICATED")).isEqualTo(open.requests());
    }
  }

  @Test
  void unreachableGatewayIsUnavailable() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (GatewayTarget target = new GatewayTarget(vertx, "127.0.0.1", closedPort, "acme", TestGateway.ACME_KEY, USER, 1_000)) {
      LoadResult result = engine.run(target, LoadSpec.open(50, Duration.ZERO, Duration.ofMillis(500)));
      assertThat(result.requests()).isPositive();
      assertThat(result.statuses()).containsOnlyKeys("UNAVAILABLE");
      assertThat(result.ok()).isZero();
    }
  }

  @Test
  void directTargetRunsTheGatewaysQuery() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    PgConnectOptions options = new PgConnectOptions().setHost(postgres.host()).setPort(postgres.port())
        .setUser(postgres.user()).setPassword(postgres.password()).setDatabase(gateway.database("acme"));
    try (DirectTarget target = new DirectTarget(vertx, options, 4, USER)) {
      assertAllOk(engine.run(target, LoadSpec.closed(4, WARMUP, Duration.ofSeconds(2))));
    }
  }

  private static String pgUrl() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    return "postgresql://%s:%s@%s:%d/%s".formatted(postgres.user(), postgres.password(), postgres.host(),
        postgres.port(), gateway.database("acme"));
  }

  @Test
  void grpcJavaBaselineAnswersLikeTheGatewayAndChecksTheKey() throws Exception {
    try (BaselineServer baseline = BaselineServer.start("127.0.0.1", 0, PgUrl.parse(pgUrl()), 2, "acme",
        TestGateway.ACME_KEY)) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", baseline.port()).usePlaintext().build();
      try {
        var request = ListConnectionsRequest.newBuilder().setUserId(USER).build();
        var fromGateway = ConnectionServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
            .listConnections(request);
        var fromBaseline = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
            .listConnections(request);
        assertThat(fromBaseline).isEqualTo(fromGateway);
        assertThat(fromBaseline.getConnectionsCount()).isEqualTo(1);
        var paged = ListConnectionsRequest.newBuilder().setUserId(USER).setPageSize(1).build();
        assertThat(ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme()).listConnections(paged))
            .isEqualTo(ConnectionServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
                .listConnections(paged));
        assertThatThrownBy(() -> ConnectionServiceGrpc.newBlockingStub(channel)
            .withInterceptors(TestGateway.as("acme", "mgk_wrong_key")).listConnections(request))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> ConnectionServiceGrpc.newBlockingStub(channel)
            .withInterceptors(TestGateway.as("globex", TestGateway.ACME_KEY)).listConnections(request))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      } finally {
        channel.shutdownNow();
      }

      StringWriter out = new StringWriter();
      int exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run",
          "--target", "gateway,grpc-java", "--address", "127.0.0.1:" + gateway.port(),
          "--baseline-address", "127.0.0.1:" + baseline.port(), "--tenant", "acme",
          "--api-key", TestGateway.ACME_KEY, "--user", USER, "--concurrency", "4", "--warmup", "1s",
          "--duration", "2s"); // long enough that a loaded machine still completes calls on both targets
      assertThat(exit).as(out.toString()).isZero();
      assertThat(out.toString()).contains("gateway vs grpc-java", "grpc-java  closed x4");
    }
  }

  @Test
  void baselineQueryIsTheDirectQueryWithJdbcPlaceholders() {
    assertThat(BaselineConnectionService.SELECT_PAGE).doesNotContain("$").contains("(?, ?)", "u.external_id = ?",
        "LIMIT ?");
    assertThat(BaselineConnectionService.SELECT_PAGE.chars().filter(c -> c == '?').count()).isEqualTo(4);
  }

  @Test
  void searchMakesTheSameGmailCallsThroughTheGatewayAsDirect() throws Exception {
    String user = "loadgen-search";
    String mailbox = "loadgen-search@example.com";
    UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(user).build());
    var sandbox = gateway.providers().sandbox().gmail();
    sandbox.createMailbox(mailbox);
    for (int i = 0; i < 2; i++) {
      sandbox.deliver(mailbox, Mailboxes.mail("sender@example.com", mailbox, "hello " + i, "text " + i, "", null),
          List.of("INBOX"));
    }
    String connectionId = GmailConnector.connect(vertx, "127.0.0.1", gateway.port(),
        new Tenants.Credentials("acme", TestGateway.ACME_KEY), user, mailbox);

    try (GatewayTarget viaGateway = new GatewayTarget("gateway", vertx, "127.0.0.1", gateway.port(),
            Tenants.single("acme", TestGateway.ACME_KEY), GatewayTarget.searchMessages(user, connectionId, "", 10), 5_000);
        GmailDirectTarget direct = new GmailDirectTarget(gateway.providers().gmailRootUrl(), mailbox, "", 10, 4)) {
      int[] before = {sandbox.calls("GET", ""), sandbox.calls("GET", "/messages")};
      assertThat(viaGateway.call().await(10, TimeUnit.SECONDS)).isEqualTo("OK");
      int[] gatewayCalls = {sandbox.calls("GET", "") - before[0], sandbox.calls("GET", "/messages") - before[1]};
      assertThat(direct.call().await(10, TimeUnit.SECONDS)).isEqualTo("OK");
      int[] directCalls = {sandbox.calls("GET", "") - before[0] - gatewayCalls[0],
          sandbox.calls("GET", "/messages") - before[1] - gatewayCalls[1]};
      // One messages.list and one messages.get per message found, each way.
      assertThat(gatewayCalls).containsExactly(3, 1);
      assertThat(directCalls).containsExactly(gatewayCalls);
    }

    StringWriter out = new StringWriter();
    int exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run", "--rpc", "search",
        "--target", "gateway,gmail-direct", "--address", "127.0.0.1:" + gateway.port(), "--tenant", "acme",
        "--api-key", TestGateway.ACME_KEY, "--user", user, "--mailbox", mailbox, "--connection-id", connectionId,
        "--gmail-root-url", gateway.providers().gmailRootUrl(), "--concurrency", "2", "--warmup", "300ms",
        "--duration", "1s");
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains("gateway vs gmail-direct", "gmail-direct  closed x2");
  }

  @Test
  void gmailDirectAsksForTheGatewaysSummaryHeaders() throws Exception {
    var field = Class.forName("dev.mailgate.server.provider.gmail.GmailMessages").getDeclaredField("SUMMARY_HEADERS");
    field.setAccessible(true);
    assertThat(GmailDirectTarget.SUMMARY_HEADERS).isEqualTo(field.get(null));
  }

  @Test
  void coldPassWithOneTenantAndWithUnknownTenantPatterns() {
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run",
        "--address", "127.0.0.1:" + gateway.port(), "--tenant", "acme", "--api-key", TestGateway.ACME_KEY,
        "--user", USER, "--cold-pass", "--rate", "50", "--warmup", "0s", "--duration", "500ms");
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).containsPattern("gateway +cold first call +1 +1 +0 ");

    // Three tenants round-robin: one cold call each, then the load, all OK.
    out = new StringWriter();
    exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run",
        "--address", "127.0.0.1:" + gateway.port(), "--tenant", "bench%04d", "--api-key", "mgk_bench_bench%04d",
        "--tenant-count", "3", "--user", USER, "--cold-pass", "--concurrency", "4", "--warmup", "0s",
        "--duration", "500ms");
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).containsPattern("gateway +cold first call +3 +3 +0 ").contains("closed x4");

    // Three tenants that do not exist: one cold call each, all refused, and the exit code says so.
    out = new StringWriter();
    exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run",
        "--address", "127.0.0.1:" + gateway.port(), "--tenant", "nobody%02d", "--api-key", "mgk_nobody%02d",
        "--tenant-count", "3", "--user", USER, "--cold-pass", "--rate", "50", "--warmup", "0s", "--duration", "200ms");
    assertThat(exit).as(out.toString()).isEqualTo(1);
    assertThat(out.toString()).containsPattern("gateway +cold first call +3 +0 +3 .*UNAUTHENTICATED=3")
        .doesNotContain("mgk_nobody");
  }

  @Test
  void benchTenantsComparisonOverTheBenchTenantContract() throws Exception {
    BenchCommand bench = new BenchCommand();
    StringWriter text = new StringWriter();
    bench.out = new PrintWriter(text);
    bench.timing.warmup = "0s";
    bench.timing.duration = "300ms";
    bench.tenants = 3;
    TestPostgres postgres = TestPostgres.get();
    String pgUrl = "postgresql://%s@%s:%d/%s".formatted(postgres.user(), postgres.host(), postgres.port(),
        gateway.database("acme"));
    RunSettings base = new RunSettings("127.0.0.1:" + gateway.port(), null, "acme", TestGateway.ACME_KEY, 1, USER,
        pgUrl, 4, Duration.ofSeconds(5), RpcKind.LIST_CONNECTIONS, "", 10, null, 4, null, null, false, null);
    BenchSection section = new BenchSection("tenants");
    try (RssSampler rss = new RssSampler(ProcessHandle.current().pid())) {
      bench.tenants(vertx, base, section, rss);
    }
    // Round 1 on bench0000 warms up, then the cold pass, then the rounds; then the same rounds as direct SQL.
    List<String> expected = new java.util.ArrayList<>();
    for (String kind : List.of("gateway", "direct")) {
      for (int round = 1; round <= 3; round++) {
        expected.add(kind + " bench0000 #" + round + "|closed x16");
        if (kind.equals("gateway") && round == 1) {
          expected.add("gateway 3 tenants|cold first call");
        }
        expected.add(kind + " 3 tenants #" + round + "|closed x16");
      }
    }
    assertThat(section.results).extracting(r -> r.target() + "|" + r.load()).containsExactlyElementsOf(expected);
    double[] ratios = section.comparisons.stream().filter(c -> c.name().startsWith("gateway:"))
        .mapToDouble(Report.Comparison::throughputRatio).sorted().toArray();
    assertThat(ratios).hasSize(3);
    BenchCheck median = section.checks.stream()
        .filter(check -> check.metric().equals("throughput ratio 3 tenants/bench0000, median of 3 rounds"))
        .findFirst().orElseThrow();
    assertThat(median.value()).isEqualTo(ratios[1]);
    assertThat(median.spread().min()).isEqualTo(ratios[0]);
    assertThat(median.spread().max()).isEqualTo(ratios[2]);
    assertThat(median.verdict()).isIn("PASS", "MISS", "UNDECIDED");
    assertThat(section.results.get(1).requests()).isEqualTo(3);
    assertThat(section.clean()).as(text.toString()).isTrue();
    assertThat(section.checks).extracting(BenchCheck::verdict).doesNotContain("FAILED CALLS", "NOT RUN");
    assertThat(BenchReport.ratioTable(List.of(section))).contains("throughput ratio 3 tenants/bench0000")
        .contains("p99 of the first call per tenant").contains("PostgreSQL alone");
  }

  @Test
  void bareVertxServerAnswersLikeTheGatewayWithoutAnyCheck() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    PgConnectOptions options = new PgConnectOptions().setHost(postgres.host()).setPort(postgres.port())
        .setUser(postgres.user()).setPassword(postgres.password()).setDatabase(gateway.database("acme"));
    try (BareVertxServer bare = BareVertxServer.start("127.0.0.1", 0, options, 2)) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", bare.port()).usePlaintext().build();
      try {
        var request = ListConnectionsRequest.newBuilder().setUserId(USER).build();
        var fromGateway = ConnectionServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
            .listConnections(request);
        // No key at all: the bare server checks nothing, and answers what the gateway answers.
        var fromBare = ConnectionServiceGrpc.newBlockingStub(channel).listConnections(request);
        assertThat(fromBare).isEqualTo(fromGateway);
        assertThat(fromBare.getConnectionsCount()).isEqualTo(1);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      // The load generator's target for it: every call OK.
      StringWriter out = new StringWriter();
      int exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run",
          "--target", "gateway,bare-vertx", "--address", "127.0.0.1:" + gateway.port(), "--bare-vertx-address",
          "127.0.0.1:" + bare.port(), "--api-key", TestGateway.ACME_KEY, "--user", USER, "--concurrency", "4",
          "--warmup", "0s", "--duration", "500ms");
      assertThat(exit).as(out.toString()).isZero();
      assertThat(out.toString()).contains("gateway vs bare-vertx").containsPattern("bare-vertx +closed x4");
    }
  }

  @Test
  void gmailDirectKeepsAsManyConnectionsAliveAsTheGateway() {
    assertThat(LoadgenCli.KEEP_ALIVE_CONNECTIONS).isEqualTo(dev.mailgate.server.Main.KEEP_ALIVE_CONNECTIONS);
  }

  @Test
  void directQueryIsTheGatewaysQueryVerbatim() throws Exception {
    var field = ConnectionStore.class.getDeclaredField("SELECT_PAGE");
    field.setAccessible(true);
    assertThat(DirectTarget.SELECT_PAGE).isEqualTo(field.get(null));
  }

  @Test
  void cliComparesGatewayWithDirectAndWritesJson(@TempDir Path dir) throws Exception {
    TestPostgres postgres = TestPostgres.get();
    String pgUrl = "postgresql://%s@%s:%d/%s".formatted(postgres.user(), postgres.host(), postgres.port(),
        gateway.database("acme"));
    Path json = dir.resolve("out.json");
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new LoadgenCli()).setOut(new PrintWriter(out)).execute("run",
        "--target", "gateway,direct", "--address", "127.0.0.1:" + gateway.port(), "--tenant", "acme",
        "--api-key", TestGateway.ACME_KEY, "--user", USER, "--pg-url", pgUrl,
        "--rate", "200", "--warmup", "300ms", "--duration", "1s", "--json", json.toString());
    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains("gateway vs direct", "throughput ratio", "p99 added (us)");
    JsonObject written = new JsonObject(Files.readString(json));
    assertThat(written.getJsonArray("results")).hasSize(2);
    JsonObject comparison = written.getJsonArray("comparisons").getJsonObject(0);
    assertThat(comparison.getString("name")).isEqualTo("gateway vs direct");
    assertThat(comparison.getDouble("throughput_ratio")).isPositive();
    for (Object each : written.getJsonArray("results")) {
      JsonObject result = (JsonObject) each;
      assertThat(result.getLong("ok")).isEqualTo(result.getLong("requests")).isPositive();
      assertThat(result.getLong("histogram_count")).isEqualTo(result.getLong("ok"));
    }
  }
}
