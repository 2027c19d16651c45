package dev.mailgate.server.testing;

import com.icegreen.greenmail.store.FolderException;
import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.metrics.MeteredVertx;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.watch.WatchPolicy;
import dev.mailgate.tenant.config.ApiKeys;
import dev.mailgate.tenant.config.LoadResult;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.tenant.config.TenantConfigLoader;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.vertx.core.Vertx;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The production gateway, booted for a test: real tenant files through the real loader, one new
 * PostgreSQL database per tenant, a real port, and grpc-java channels to call it.
 */
public final class TestGateway implements AutoCloseable {

  public static final String ACME_KEY = "mgk_test_acme_1d9b7c";
  public static final String GLOBEX_KEY = "mgk_test_globex_44e0a2";
  /** acme's dashboard key: it may read reports and nothing else. */
  public static final String ACME_DASHBOARD_KEY = dashboardKey("acme");

  public static final String RETURN_URL = "https://app.example.com/connected";

  private final Vertx vertx;
  private final GatewayServer server;
  private final GatewayOptions options;
  private final List<TenantConfig> tenants;
  private final LocalProviders providers;
  private final TestClock clock;
  private final ManagedChannel channel;
  private final Map<String, String> databases;

  private TestGateway(Vertx vertx, GatewayServer server, GatewayOptions options, List<TenantConfig> tenants,
      LocalProviders providers, TestClock clock, Map<String, String> databases) {
    this.vertx = vertx;
    this.server = server;
    this.options = options;
    this.tenants = tenants;
    this.providers = providers;
    this.clock = clock;
    this.databases = databases;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  /** Starts a gateway serving tenants acme and globex, each with its own fresh database. */
  public static TestGateway start() throws Exception {
    return start(Map.of());
  }

  /** Like {@link #start()}, plus extra tenant files (name to YAML) written beside them. */
  public static TestGateway start(Map<String, String> extraFiles) throws Exception {
    return start(extraFiles, java.util.function.UnaryOperator.identity());
  }

  /** Like {@link #start(Map)}, with gateway options changed by {@code tweak} (e.g. database limits). */
  public static TestGateway start(Map<String, String> extraFiles, java.util.function.UnaryOperator<GatewayOptions> tweak)
      throws Exception {
    return start(extraFiles, tweak, MeteredVertx::create);
  }

  /**
   * Like {@link #start(Map, java.util.function.UnaryOperator)}, on the Vert.x instance {@code vertx}
   * makes (one built for tracing, say), which the providers' stand-ins share.
   */
  public static TestGateway start(Map<String, String> extraFiles, java.util.function.UnaryOperator<GatewayOptions> tweak,
      java.util.function.Supplier<Vertx> vertxFactory) throws Exception {
    TestPostgres postgres = TestPostgres.get();
    Path dir = Files.createTempDirectory("mailgate-tenants");
    String run = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Map<String, String> databases = new HashMap<>();
    for (var tenant : Map.of("acme", ACME_KEY, "globex", GLOBEX_KEY).entrySet()) {
      String database = run + "_" + tenant.getKey();
      postgres.createDatabase(database);
      databases.put(tenant.getKey(), database);
      Files.writeString(dir.resolve(tenant.getKey() + ".yaml"), tenantYaml(tenant.getKey(), database, tenant.getValue()));
    }
    for (var file : extraFiles.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    // Extra tenant files may name the generated databases as ${ACME_DATABASE} / ${GLOBEX_DATABASE}.
    int port = dev.mailgate.server.FreePort.pick();
    Map<String, String> env = Map.of(
        "TEST_PUBLIC_URL", "http://127.0.0.1:" + port,
        "TEST_CLIENT_SECRET", "test-client-secret",
        "TEST_DB_HOST", postgres.host(),
        "TEST_DB_PORT", Integer.toString(postgres.port()),
        "TEST_DB_USER", postgres.user(),
        "TEST_DB_PASSWORD", postgres.password(),
        "ACME_DATABASE", databases.get("acme"),
        "GLOBEX_DATABASE", databases.get("globex"));
    LoadResult loaded = new TenantConfigLoader(env::get).loadDirectory(dir);
    Vertx vertx = vertxFactory.get();
    TestClock clock = new TestClock();
    LocalProviders providers = LocalProviders.start(vertx, true, Optional.empty(), clock);
    GatewayOptions options = GatewayOptions.local("127.0.0.1", port, dir.resolve("secrets"))
        .withOAuth(localOAuth(providers))
        .withGmailRootUrl(providers.gmailRootUrl())
        .withGraphRootUrl(providers.graphRootUrl())
        .withEgress(new TestEgress().devPolicy());
    // Nothing is watched unless a test turns watching on: the watcher's provider calls would land
    // among those that tests count or fail on purpose. Gmail's push tokens are signed by the
    // sandbox's keys, should a test turn push on.
    options = options.withWatch(WatchPolicy.OFF.withGmailCertsUrl(providers.gmailPushCertsUrl()));
    // Likewise webhook delivery checks only the tenants a webhook call touched, not every tenant
    // database from the start.
    options = options.withWebhooks(options.webhooks().withScanAllTenants(false));
    options = tweak.apply(options);
    GatewayServer server = GatewayServer.start(vertx, options, loaded.tenants()).await(60, TimeUnit.SECONDS);
    if (options.watch().gmailTopic().isPresent() && options.watch().publicUrl().isPresent()) {
      providers.pushGmailTo(options.watch().publicUrl().get() + "/push/gmail", options.watch().gmailAudience().get());
    }
    return new TestGateway(vertx, server, options, loaded.tenants(), providers, clock, databases);
  }

  /** The gateway's OAuth configuration with Google and Microsoft on the local providers. */
  public static OAuthProviders localOAuth(LocalProviders providers) {
    return OAuthProviders.defaults().overriding(providers.oauthEndpoints());
  }

  /** A tenant file in the documented format, using the test database's address. */
  public static String tenantYaml(String id, String database, String apiKey) {
    return """
        id: %s
        database:
          host: ${TEST_DB_HOST}
          port: ${TEST_DB_PORT}
          name: %s
          user: ${TEST_DB_USER}
          password: { env: TEST_DB_PASSWORD }
          pool_size: 4
        api_keys:
          - name: test
            sha256: %s
        dashboard_keys:
          - name: test-dashboard
            sha256: %5$s
        oauth_clients:
          gmail:
            client_id: %1$s-gmail
            client_secret: { env: TEST_CLIENT_SECRET }
            redirect_uri: ${TEST_PUBLIC_URL}/oauth2/callback
          outlook:
            client_id: %1$s-outlook
            client_secret: { env: TEST_CLIENT_SECRET }
            redirect_uri: ${TEST_PUBLIC_URL}/oauth2/callback
        allowed_return_urls: [ "%4$s" ]
        """.formatted(id, database, ApiKeys.sha256Hex(apiKey), RETURN_URL, ApiKeys.sha256Hex(dashboardKey(id)));
  }

  /** The dashboard key of a tenant written by {@link #tenantYaml}. */
  public static String dashboardKey(String tenantId) {
    return "mgd_test_" + tenantId + "_dashboard";
  }

  /** The channel with no metadata at all. */
  public ManagedChannel channel() {
    return channel;
  }

  /** Attaches tenant and bearer key metadata to every call of a stub. */
  public static ClientInterceptor as(String tenantId, String apiKey) {
    Metadata headers = new Metadata();
    if (tenantId != null) {
      headers.put(Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER), tenantId);
    }
    if (apiKey != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
    }
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  public static ClientInterceptor acme() {
    return as("acme", ACME_KEY);
  }

  public static ClientInterceptor globex() {
    return as("globex", GLOBEX_KEY);
  }

  public int port() {
    return server.port();
  }

  /** The local OAuth server and provider sandbox this gateway talks to. */
  public LocalProviders providers() {
    return providers;
  }

  /** The clock of the provider sandboxes: advance it instead of sleeping for distinct timestamps. */
  public TestClock clock() {
    return clock;
  }

  /**
   * Delivers {@code rfc822} to the INBOX of {@code mailbox} on the IMAP server, received at its
   * Date header (now if it has none), as the sandboxes date delivered mail: mail dated by
   * {@link TestClock#dated} arrives in the clock's order.
   */
  public void deliverImap(String mailbox, byte[] rfc822) {
    deliverImap(providers.mailServer(), mailbox, rfc822);
  }

  /** Puts a received message into the INBOX of {@code mailbox} on {@code mailServer}, dated by its Date header. */
  public static void deliverImap(com.icegreen.greenmail.util.GreenMail mailServer, String mailbox, byte[] rfc822) {
    try {
      MimeMessage message = MimeReader.parse(rfc822);
      Date received = message.getSentDate() == null ? new Date() : message.getSentDate();
      mailServer.getManagers().getImapHostManager().getInbox(mailServer.getUserManager().getUser(mailbox))
          .appendMessage(message, new Flags(), received);
    } catch (MessagingException | FolderException e) {
      throw new IllegalArgumentException("Cannot deliver to " + mailbox, e);
    }
  }

  /** A second gateway process on the same tenant databases and keys: its own Vert.x, pools and port. */
  public record Sibling(Vertx vertx, GatewayServer server, ManagedChannel channel) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close().await(20, TimeUnit.SECONDS);
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  public Sibling startSibling() throws Exception {
    return startSibling(java.util.function.UnaryOperator.identity());
  }

  /** Like {@link #startSibling()}, with its options changed by {@code tweak} (e.g. rate limits off). */
  public Sibling startSibling(java.util.function.UnaryOperator<GatewayOptions> tweak) throws Exception {
    Vertx other = MeteredVertx.create();
    GatewayOptions elsewhere = tweak.apply(options.withPort(0));
    GatewayServer sibling = GatewayServer.start(other, elsewhere, tenants).await(60, TimeUnit.SECONDS);
    return new Sibling(other, sibling, ManagedChannelBuilder.forAddress("127.0.0.1", sibling.port()).usePlaintext().build());
  }

  /** The names this gateway resolves and the connections it made on tenants' behalf (IMAP, SMTP). */
  public TestEgress egress() {
    return (TestEgress) options.egress().resolver();
  }

  /** The options the gateway runs with (its master key and keyset directory among them). */
  public GatewayOptions options() {
    return options;
  }

  /** The running gateway (its tenants, its Vert.x). */
  public GatewayServer server() {
    return server;
  }

  /**
   * Runs {@code work} on a tenant's data the way the gateway does and waits for it, for arranging
   * rows the API cannot create yet.
   */
  public <T> T onTenantData(String tenantId, java.util.function.Function<io.vertx.sqlclient.SqlClient,
      io.vertx.core.Future<T>> work) {
    return await(server.tenants().find(tenantId).orElseThrow().withDatabase(work));
  }

  /** Waits (off any event loop: this is the test thread) for a future's result. */
  public static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }

  /** The name of the database that belongs to a tenant. */
  public String database(String tenantId) {
    return databases.get(tenantId);
  }

  public List<String> tenantIds() {
    return server.tenants().ids();
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close().await(20, TimeUnit.SECONDS);
    providers.close();
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}
