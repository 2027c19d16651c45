package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.LogLines;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stored token that no longer decrypts (here: another connection's ciphertext copied into the
 * row, which the cipher's associated data refuses) marks the connection NEEDS_REAUTH, tells the
 * operator once, and answers FAILED_PRECONDITION / CONNECTION_NEEDS_REAUTH instead of INTERNAL.
 */
class UnreadableCredentialsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void anotherConnectionsCiphertextMarksTheConnectionNeedsReauthAndLeavesTheOriginalWorking() throws Exception {
    var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    var connectionsApi = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.acme());
    String userId = Mailboxes.newUserId("unreadable");
    Connection original = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + "-a@gmail.test");
    Connection victim = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + "-b@gmail.test");
    gateway.get().<Integer>onTenantData("acme", db -> db.preparedQuery("""
            UPDATE {schema}.connections SET access_token = (SELECT access_token FROM {schema}.connections WHERE id = $1)
            WHERE id = $2""")
        .execute(Tuple.of(UUID.fromString(original.getConnectionId()), UUID.fromString(victim.getConnectionId())))
        .map(rows -> rows.rowCount()));

    String startOfLog = mail.listMailboxEvents(dev.mailgate.proto.v1.ListMailboxEventsRequest.newBuilder()
        .setUserId(userId).setConnectionId(victim.getConnectionId()).build()).getNextCursor();
    try (LogLines log = new LogLines(Tenant.class)) {
      var failure = assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH",
          () -> mail.listLabels(labels(userId, victim)));
      assertThat(failure.message()).contains("can no longer be read");
      assertThat(log.containing("connection=" + victim.getConnectionId())).singleElement().asString()
          .contains("tenant=acme").contains("ACCESS_TOKEN").contains("marked NEEDS_REAUTH");

      // Marked: the next call does not even try to decrypt, and nothing more is logged.
      assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH",
          () -> mail.listLabels(labels(userId, victim)));
      assertThat(log.containing("connection=" + victim.getConnectionId())).hasSize(1);
    }
    assertThat(connectionsApi.getConnection(GetConnectionRequest.newBuilder().setUserId(userId)
        .setConnectionId(victim.getConnectionId()).build()).getStatus())
        .isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);

    // The change is an event of the connection's log, like every other change to NEEDS_REAUTH.
    var events = mail.listMailboxEvents(dev.mailgate.proto.v1.ListMailboxEventsRequest.newBuilder().setUserId(userId)
        .setConnectionId(victim.getConnectionId()).setCursor(startOfLog).build());
    assertThat(events.getEventsList()).singleElement().satisfies(event -> {
      assertThat(event.getType()).isEqualTo(dev.mailgate.proto.v1.MailboxEventType.MAILBOX_EVENT_TYPE_CONNECTION_STATE_CHANGED);
      assertThat(event.getConnectionStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);
    });

    assertThat(mail.listLabels(labels(userId, original)).getLabelsList()).isNotEmpty();
    assertThat(connectionsApi.getConnection(GetConnectionRequest.newBuilder().setUserId(userId)
        .setConnectionId(original.getConnectionId()).build()).getStatus())
        .isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
  }

  private static ListLabelsRequest labels(String userId, Connection connection) {
    return ListLabelsRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build();
  }
}
