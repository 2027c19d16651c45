package dev.mailgate.server.events;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.testing.Browser;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one producer of events so far: a connection that the provider refuses becomes NEEDS_REAUTH and
 * a watcher sees CONNECTION_STATE_CHANGED; authorized again, it becomes ACTIVE and the watcher sees that.
 */
class ConnectionStateEventsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withEventStreams(
      new EventStreamPolicy(Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofMillis(100))));

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub connections() {
    return ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static Connection connect(String userId, String email) throws Exception {
    var started = connections().startAuthorization(StartAuthorizationRequest.newBuilder()
        .setUserId(userId).setProvider(Provider.PROVIDER_GMAIL).build());
    Map<String, String> callback = Browser.query(new Browser().signIn(started.getAuthorizationUrl(), email));
    return connections().completeAuthorization(CompleteAuthorizationRequest.newBuilder()
        .setState(callback.get("state")).setCode(callback.get("code")).build());
  }

  @Test
  void aWatcherSeesTheConnectionNeedReauthorizationAndBecomeActiveAgain() throws Exception {
    String userId = "alice-" + UUID.randomUUID().toString().substring(0, 8);
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    String email = userId + "@gmail.test";
    Connection connection = connect(userId, email);

    Watcher<WatchMailboxRequest> watcher = new Watcher<>();
    MailServiceGrpc.newStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .watchMailbox(WatchMailboxRequest.newBuilder().setUserId(userId)
            .setConnectionId(connection.getConnectionId()).build(), watcher);
    assertThat(watcher.heartbeat(5)).isNotNull();

    // The provider refuses her token, and the renewed one too.
    gateway.get().providers().sandbox().gmail().failNext(2, 401, "authError");
    assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH", () -> MailServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .listLabels(ListLabelsRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
            .build()));

    MailboxEvent reauth = watcher.nextChange(20);
    assertThat(reauth).isNotNull();
    assertThat(reauth.getType()).isEqualTo(MailboxEventType.MAILBOX_EVENT_TYPE_CONNECTION_STATE_CHANGED);
    assertThat(reauth.getConnectionStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);
    assertThat(reauth.getConnectionId()).isEqualTo(connection.getConnectionId());
    assertThat(reauth.getUserId()).isEqualTo(userId);
    assertThat(reauth.getSequence()).isEqualTo(1L);

    Connection again = connect(userId, email);
    assertThat(again.getConnectionId()).isEqualTo(connection.getConnectionId());
    MailboxEvent active = watcher.nextChange(20);
    assertThat(active).isNotNull();
    assertThat(active.getConnectionStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
    assertThat(active.getSequence()).isEqualTo(2L);

    // Authorizing an ACTIVE connection again changes no state: no event.
    connect(userId, email);
    assertThat(watcher.nextChange(1)).isNull();
    watcher.cancel();
  }
}
