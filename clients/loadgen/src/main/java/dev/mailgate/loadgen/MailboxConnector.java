package dev.mailgate.loadgen;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpcClient;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.UserServiceGrpcClient;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Connects bench mailboxes through the gateway's public API, as a backend would: a user per
 * mailbox (CreateUser), then Gmail and Outlook through the dev OAuth flow (StartAuthorization, the
 * local OAuth server's login form, the gateway's /oauth2/callback; as {@link GmailConnector}) and
 * IMAP with CreateImapConnection to the dev GreenMail. The clients are shared, so many mailboxes
 * connect concurrently ({@link #connectAll}).
 */
final class MailboxConnector implements AutoCloseable {

  private final GrpcClient grpc;
  private final WebClient web;
  private final SocketAddress address;
  private final Tenants.Credentials credentials;

  MailboxConnector(Vertx vertx, String hostPort, Tenants.Credentials credentials) {
    this.grpc = GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    this.web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    int colon = hostPort.lastIndexOf(':');
    this.address = SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)),
        hostPort.substring(0, colon));
    this.credentials = credentials;
  }

  /** Where the dev GreenMail listens (plain IMAP and SMTP on loopback). */
  record MailServer(String host, int imapPort, int smtpPort) {}

  /**
   * Connects the {@code index}th mailbox of {@code kind} in part {@code part}: its user first,
   * then the connection. IMAP accounts must exist on the server already.
   */
  Future<BenchMailbox> connect(BenchMailbox.Kind kind, String part, int index, MailServer mailServer) {
    String userId = kind.userId(part, index);
    String mailbox = kind.address(part, index);
    Future<String> connection = createUser(userId, mailbox).compose(created -> switch (kind) {
      case GMAIL -> oauth(Provider.PROVIDER_GMAIL, userId, mailbox);
      case OUTLOOK -> oauth(Provider.PROVIDER_OUTLOOK, userId, mailbox);
      case IMAP -> imap(userId, mailbox, mailServer);
    });
    return connection.map(id -> new BenchMailbox(kind, userId, mailbox, id));
  }

  /**
   * Runs {@code connect} for each item, at most {@code concurrency} at once; blocks the calling
   * thread (not an event loop) until all are done, and fails with the first failure.
   */
  static <T> List<BenchMailbox> connectAll(List<T> items, int concurrency, Function<T, Future<BenchMailbox>> connect)
      throws Exception {
    Semaphore permits = new Semaphore(concurrency);
    List<BenchMailbox> connected = java.util.Collections.synchronizedList(new ArrayList<>());
    Throwable[] failure = new Throwable[1];
    for (T item : items) {
      permits.acquire();
      synchronized (failure) {
        if (failure[0] != null) {
          permits.release();
          break;
        }
      }
      connect.apply(item).onComplete(result -> {
        if (result.succeeded()) {
          connected.add(result.result());
        } else {
          synchronized (failure) {
            if (failure[0] == null) {
              failure[0] = result.cause();
            }
          }
        }
        permits.release();
      });
    }
    if (!permits.tryAcquire(concurrency, 5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("connecting mailboxes did not finish within 5 minutes");
    }
    if (failure[0] != null) {
      throw new IllegalStateException("connecting a mailbox failed: " + failure[0].getMessage(), failure[0]);
    }
    return List.copyOf(connected);
  }

  private Future<Void> createUser(String userId, String email) {
    return GatewayCalls.unary(grpc, address, credentials, UserServiceGrpcClient.CreateUser,
            CreateUserRequest.newBuilder().setUserId(userId).setEmail(email).build())
        .<Void>mapEmpty()
        .recover(failure -> String.valueOf(failure.getMessage()).contains("ALREADY_EXISTS")
            ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  private Future<String> oauth(Provider provider, String userId, String email) {
    return GatewayCalls.unary(grpc, address, credentials, ConnectionServiceGrpcClient.StartAuthorization,
            StartAuthorizationRequest.newBuilder().setUserId(userId).setProvider(provider).build())
        .compose(started -> signIn(started.getAuthorizationUrl(), email))
        .compose(callback -> web.getAbs(callback).send())
        .compose(answered -> answered.statusCode() == 200 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("the gateway's OAuth callback answered HTTP "
                + answered.statusCode())))
        .compose(connected -> GatewayCalls.unary(grpc, address, credentials, ConnectionServiceGrpcClient.ListConnections,
            ListConnectionsRequest.newBuilder().setUserId(userId).build()))
        .map(list -> list.getConnectionsList().stream()
            .filter(c -> c.getProvider() == provider && c.getStatus() == ConnectionStatus.CONNECTION_STATUS_ACTIVE
                && c.getEmailAddress().equalsIgnoreCase(email))
            .map(Connection::getConnectionId)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no ACTIVE " + provider + " connection of " + userId)));
  }

  private Future<String> imap(String userId, String email, MailServer server) {
    return GatewayCalls.unary(grpc, address, credentials, ConnectionServiceGrpcClient.CreateImapConnection,
            CreateImapConnectionRequest.newBuilder().setUserId(userId).setEmailAddress(email)
                .setImapHost(server.host()).setImapPort(server.imapPort()).setImapSecurity(ImapSecurity.IMAP_SECURITY_NONE)
                .setSmtpHost(server.host()).setSmtpPort(server.smtpPort()).setSmtpSecurity(ImapSecurity.IMAP_SECURITY_NONE)
                .setUsername(email).setPassword(email).build())
        .map(Connection::getConnectionId);
  }

  /** The local OAuth server's login page: GET it (it may redirect at once), else POST its form. */
  private Future<String> signIn(String authorizationUrl, String email) {
    return web.getAbs(authorizationUrl).send().compose(page -> {
      if (page.statusCode() / 100 == 3) {
        return Future.succeededFuture(location(page));
      }
      return web.postAbs(authorizationUrl)
          .sendForm(MultiMap.caseInsensitiveMultiMap().add("username", email))
          .compose(submitted -> submitted.statusCode() / 100 == 3 ? Future.succeededFuture(location(submitted))
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

  @Override
  public void close() {
    web.close();
    try {
      grpc.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }
}
