package dev.mailgate.loadgen;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpcClient;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import java.util.concurrent.TimeUnit;

/**
 * Connects a user's sandbox Gmail mailbox through the gateway's public OAuth flow in dev mode, the
 * way the tests and the Node client do: StartAuthorization, open the local OAuth server's
 * authorization URL, submit its login form with the mailbox address, follow the redirect to the
 * gateway's /oauth2/callback; then the user's ACTIVE Gmail connection is read from ListConnections.
 */
public final class GmailConnector {

  private GmailConnector() {}

  /** Returns the id of the user's ACTIVE Gmail connection for {@code email}, connecting it first. */
  public static String connect(Vertx vertx, String host, int port, Tenants.Credentials credentials, String userId,
      String email) throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    WebClient web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    SocketAddress address = SocketAddress.inetSocketAddress(port, host);
    try {
      return GatewayCalls.unary(grpc, address, credentials, ConnectionServiceGrpcClient.StartAuthorization,
              StartAuthorizationRequest.newBuilder().setUserId(userId).setProvider(Provider.PROVIDER_GMAIL).build())
          .compose(started -> signIn(web, started.getAuthorizationUrl(), email))
          .compose(callback -> web.getAbs(callback).send())
          .compose(answered -> answered.statusCode() == 200
              ? Future.succeededFuture()
              : Future.failedFuture(new IllegalStateException("the gateway's OAuth callback answered HTTP "
                  + answered.statusCode())))
          .compose(connected -> GatewayCalls.unary(grpc, address, credentials,
              ConnectionServiceGrpcClient.ListConnections,
              ListConnectionsRequest.newBuilder().setUserId(userId).build()))
          .map(list -> list.getConnectionsList().stream()
              .filter(c -> c.getProvider() == Provider.PROVIDER_GMAIL
                  && c.getStatus() == ConnectionStatus.CONNECTION_STATUS_ACTIVE
                  && c.getEmailAddress().equalsIgnoreCase(email))
              .map(Connection::getConnectionId)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no ACTIVE Gmail connection of " + userId + " after sign-in")))
          .await(60, TimeUnit.SECONDS);
    } finally {
      web.close();
      grpc.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The local OAuth server's login page: GET it (it may redirect at once), else POST its form. Returns the redirect. */
  private static Future<String> signIn(WebClient web, String authorizationUrl, String email) {
    return web.getAbs(authorizationUrl).send().compose(page -> {
      if (page.statusCode() / 100 == 3) {
        return Future.succeededFuture(location(page));
      }
      return web.postAbs(authorizationUrl)
          .sendForm(MultiMap.caseInsensitiveMultiMap().add("username", email))
          .compose(submitted -> submitted.statusCode() / 100 == 3
              ? Future.succeededFuture(location(submitted))
              : Future.failedFuture(new IllegalStateException("the login form answered HTTP " + submitted.statusCode())));
    });
  }

  private static String location(HttpResponse<Buffer> response) {
    String location = response.getHeader("location");
    if (location == null) {
      throw new IllegalStateException("a redirect without a location");
    }
    return location;
  }
}
