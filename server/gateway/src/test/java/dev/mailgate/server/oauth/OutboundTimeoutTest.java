package dev.mailgate.server.oauth;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A token endpoint that accepts connections and never answers: a refresh made under the
 * credentials row lock gives up after the total outbound timeout, answers UNAVAILABLE, and
 * leaves neither the row locked nor a database connection in its transaction.
 */
class OutboundTimeoutTest {

  private static final Duration TOTAL = Duration.ofSeconds(2);

  /** Never accepts: the kernel completes the handshakes (backlog), nobody ever reads or answers. */
  private static final ServerSocket SILENT_TOKEN_ENDPOINT = silentServer();

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options
      .withOAuth(options.oauth().overriding(Map.of(
          "gmail.token", "http://127.0.0.1:" + SILENT_TOKEN_ENDPOINT.getLocalPort() + "/token")))
      .withTimeouts(new OutboundTimeouts(Duration.ofMillis(500), TOTAL)));

  private static ServerSocket silentServer() {
    try {
      return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void closeSilentServer() throws IOException {
    SILENT_TOKEN_ENDPOINT.close();
  }

  /** A Gmail connection whose access token has expired, so the next mail call must refresh it. */
  private static String[] connectionNeedingRefresh() throws Exception {
    String userId = Mailboxes.newUserId("slow");
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    UUID id = UUID.randomUUID();
    TokenCipher cipher = TestGateway.await(gateway.get().server().tenants().find("acme").orElseThrow().cipher());
    try (Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement insert = db.prepareStatement("""
            INSERT INTO connections (id, user_id, provider, email_address, status, access_token, refresh_token,
              access_token_expire_time)
            SELECT ?, u.id, 'GMAIL', ?, 'ACTIVE', ?, ?, now() - interval '1 minute' FROM users u WHERE u.external_id = ?""")) {
      insert.setObject(1, id);
      insert.setString(2, userId + "@gmail.test");
      insert.setBytes(3, cipher.encrypt(id, SecretField.ACCESS_TOKEN, "expired-access-token"));
      insert.setBytes(4, cipher.encrypt(id, SecretField.REFRESH_TOKEN, "refresh-token"));
      insert.setString(5, userId);
      assertThat(insert.executeUpdate()).isEqualTo(1);
    }
    return new String[] {userId, id.toString()};
  }

  private static ListLabelsRequest labels(String[] connection) {
    return ListLabelsRequest.newBuilder().setUserId(connection[0]).setConnectionId(connection[1]).build();
  }

  private static MailServiceGrpc.MailServiceBlockingStub mail() {
    return MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void hungTokenEndpointAnswersUnavailableWithinTheTimeoutAndReleasesTheRowLock() throws Exception {
    String[] connection = connectionNeedingRefresh();

    long start = System.nanoTime();
    Failure failure = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail().listLabels(labels(connection)));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(failure.retryInfo()).isPresent();
    assertThat(elapsedMillis).isBetween(TOTAL.toMillis() - 200, TOTAL.toMillis() + 3_000);

    try (Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
      db.setAutoCommit(false);
      try (PreparedStatement lock = db.prepareStatement("SELECT id FROM connections WHERE id = ?::uuid FOR UPDATE NOWAIT")) {
        lock.setString(1, connection[1]);
        try (ResultSet row = lock.executeQuery()) {
          assertThat(row.next()).as("the credentials row is not locked any more").isTrue();
        }
      }
      db.rollback();
      assertThat(connectionsInTransaction(db)).as("no gateway connection is left inside a transaction").isZero();
    }
    // The connection stays ACTIVE with its credentials: a slow provider is not a refused grant.
    try (Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement query = db.prepareStatement(
            "SELECT status, refresh_token IS NOT NULL FROM connections WHERE id = ?::uuid")) {
      query.setString(1, connection[1]);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("ACTIVE");
        assertThat(row.getBoolean(2)).isTrue();
      }
    }
    // A second call does not wait for a lock: it too gives up after the timeout.
    long again = System.nanoTime();
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail().listLabels(labels(connection)));
    assertThat((System.nanoTime() - again) / 1_000_000).isLessThan(TOTAL.toMillis() + 3_000);
  }

  @Test
  void aRefreshWaitingForALockHeldElsewhereGivesUpInsteadOfWaitingForever() throws Exception {
    String[] connection = connectionNeedingRefresh();
    try (Connection otherNode = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
      otherNode.setAutoCommit(false);
      try (PreparedStatement lock = otherNode.prepareStatement("SELECT id FROM connections WHERE id = ?::uuid FOR UPDATE")) {
        lock.setString(1, connection[1]);
        lock.executeQuery().close();
      }
      long start = System.nanoTime();
      Failure failure = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE",
          () -> mail().listLabels(labels(connection)));
      assertThat(failure.retryInfo()).isPresent();
      // The lock wait is bounded by the total outbound timeout plus the transaction's own margin.
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(TOTAL.toMillis() + 5_000 + 3_000);
      otherNode.rollback();
    }
  }

  private static int connectionsInTransaction(Connection db) throws Exception {
    try (PreparedStatement query = db.prepareStatement("""
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'""");
        ResultSet row = query.executeQuery()) {
      row.next();
      return row.getInt(1);
    }
  }
}
