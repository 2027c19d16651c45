package dev.mailgate.server.tenant;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code database.ssl: { mode: verify-full, root_cert }} against the test PostgreSQL with TLS
 * switched on (a certificate for "localhost"): the gateway's pool and Flyway's JDBC connection
 * both verify the server, and a server the CA did not sign, or a host name the certificate does
 * not name, is refused as TENANT_DATABASE_UNAVAILABLE.
 */
class DatabaseTlsTest {

  private static TestGateway gateway;
  private static boolean tlsSwitchedOn;

  @BeforeAll
  static void start() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    Path dir = Files.createTempDirectory("mailgate-db-tls");
    SelfSignedCertificate server = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate stranger = SelfSignedCertificate.create("localhost");
    Path key = dir.resolve("server.key");
    Files.copy(Path.of(server.privateKeyPath()), key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path ca = Files.copy(Path.of(server.certificatePath()), dir.resolve("ca.pem"));
    Path otherCa = Files.copy(Path.of(stranger.certificatePath()), dir.resolve("other-ca.pem"));

    try (Connection admin = postgres.jdbc("postgres")) {
      admin.createStatement().execute("ALTER SYSTEM SET ssl_cert_file = '" + ca + "'");
      admin.createStatement().execute("ALTER SYSTEM SET ssl_key_file = '" + key + "'");
      admin.createStatement().execute("ALTER SYSTEM SET ssl = on");
      admin.createStatement().execute("SELECT pg_reload_conf()");
      tlsSwitchedOn = true;
    }
    Assumptions.assumeTrue(serverSpeaksTls(postgres),
        "this PostgreSQL build cannot turn TLS on (ssl stays off after reload)");

    String run = "tls" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    Map<String, String> files = new java.util.HashMap<>();
    files.put("verified.yaml", tenant("verified", run, "localhost", "{ mode: verify-full, root_cert: { file: " + ca + " } }"));
    files.put("required.yaml", tenant("required", run, "localhost", "true"));
    files.put("stranger.yaml", tenant("stranger", run, "localhost",
        "{ mode: verify-full, root_cert: { file: " + otherCa + " } }"));
    files.put("byaddress.yaml", tenant("byaddress", run, "127.0.0.1",
        "{ mode: verify-full, root_cert: { file: " + ca + " } }"));
    gateway = TestGateway.start(files);
  }

  private static String tenant(String id, String run, String host, String ssl) throws Exception {
    String database = run + "_" + id;
    TestPostgres.get().createDatabase(database);
    return TestGateway.tenantYaml(id, database, key(id))
        .replace("host: ${TEST_DB_HOST}", "host: " + host)
        .replace("  pool_size: 4", "  pool_size: 2\n  ssl: " + ssl);
  }

  private static boolean serverSpeaksTls(TestPostgres postgres) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (Connection admin = postgres.jdbc("postgres"); ResultSet on = admin.createStatement().executeQuery("SHOW ssl")) {
        on.next();
        if ("on".equals(on.getString(1))) {
          return true;
        }
      }
      Thread.sleep(100);
    }
    return false;
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (tlsSwitchedOn) {
      try (Connection admin = TestPostgres.get().jdbc("postgres")) {
        admin.createStatement().execute("ALTER SYSTEM RESET ssl");
        admin.createStatement().execute("ALTER SYSTEM RESET ssl_cert_file");
        admin.createStatement().execute("ALTER SYSTEM RESET ssl_key_file");
        admin.createStatement().execute("SELECT pg_reload_conf()");
      }
    }
  }

  private static String key(String tenantId) {
    return "mgk_test_" + tenantId + "_key";
  }

  private static UserServiceGrpc.UserServiceBlockingStub users(String tenantId) {
    return UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.as(tenantId, key(tenantId)))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static boolean poolConnectionUsesTls(String tenantId) {
    return gateway.onTenantData(tenantId, db -> db.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .execute().map(rows -> rows.iterator().next().getBoolean(0)));
  }

  @Test
  void verifyFullMigratesAndServesOverVerifiedTls() {
    assertThat(users("verified").listUsers(ListUsersRequest.getDefaultInstance()).getUsersList()).isEmpty();
    assertThat(poolConnectionUsesTls("verified")).isTrue();
  }

  @Test
  void sslTrueStillRequiresTlsWithoutVerifying() {
    assertThat(users("required").listUsers(ListUsersRequest.getDefaultInstance()).getUsersList()).isEmpty();
    assertThat(poolConnectionUsesTls("required")).isTrue();
  }

  @Test
  void aServerTheCaDidNotSignIsRefused() {
    var failure = assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
        () -> users("stranger").listUsers(ListUsersRequest.getDefaultInstance()));
    assertThat(failure.retryInfo()).isPresent();
  }

  @Test
  void aHostNameTheCertificateDoesNotNameIsRefused() {
    assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
        () -> users("byaddress").listUsers(ListUsersRequest.getDefaultInstance()));
  }
}
