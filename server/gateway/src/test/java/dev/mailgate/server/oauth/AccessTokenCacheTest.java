package dev.mailgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Decrypted access tokens are kept in memory for at most the configured cache expiry, not until
 * the token itself nears expiry: after it the gateway reads the stored credentials again.
 */
class AccessTokenCacheTest {

  private static final Duration EXPIRY = Duration.ofSeconds(1);

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options
      .withBounds(options.bounds().withCacheExpiry(EXPIRY)));

  private static int refreshRequests() {
    int refreshes = 0;
    while (true) {
      RecordedRequest request;
      try {
        request = gateway.get().providers().oauthServer().takeRequest(200, TimeUnit.MILLISECONDS);
      } catch (RuntimeException none) {
        return refreshes;
      }
      if (request == null) {
        return refreshes;
      }
      if (request.getPath().endsWith("/token") && request.getBody().clone().readUtf8().contains("grant_type=refresh_token")) {
        refreshes++;
      }
    }
  }

  @Test
  void aCachedAccessTokenExpiresAfterTheCacheExpiry() throws Exception {
    String userId = Mailboxes.newUserId("cached");
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + "@gmail.test");
    var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    SearchMessagesRequest search = SearchMessagesRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setPageSize(5).build();
    mail.searchMessages(search);

    // The stored access token is replaced by one the provider refuses; its expiry stays an hour away.
    UUID id = UUID.fromString(connection.getConnectionId());
    TokenCipher cipher = TestGateway.await(gateway.get().server().tenants().find("acme").orElseThrow().cipher());
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement update = db.prepareStatement("UPDATE connections SET access_token = ? WHERE id = ?")) {
      update.setBytes(1, cipher.encrypt(id, SecretField.ACCESS_TOKEN, "refused-by-the-provider"));
      update.setObject(2, id);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    refreshRequests();
    Thread.sleep(EXPIRY.toMillis() + 500);

    // The cached token is gone: the stored one is read, refused (401), and refreshed once.
    assertThat(mail.searchMessages(search).getMessagesList()).isEmpty();
    assertThat(refreshRequests()).isEqualTo(1);
  }
}
