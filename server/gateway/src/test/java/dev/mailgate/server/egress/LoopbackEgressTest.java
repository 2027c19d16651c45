package dev.mailgate.server.egress;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestEgress;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Outside dev mode loopback is refused: the gateway's own machine (its database, its admin ports) is off limits. */
class LoopbackEgressTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(),
      options -> options.withEgress(((TestEgress) options.egress().resolver()).strictPolicy()));

  @Test
  void loopbackHostsAreRefusedWithoutDevMode() {
    var mailServer = gateway.get().providers().mailServer();
    String user = Mailboxes.newUserId("loopback");
    String address = user + "@example.com";
    mailServer.setUser(address, address, "secret");
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(user).build());
    var connections = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

    for (String host : List.of("127.0.0.1", "localhost", "::1", "127.1.2.3", "::ffff:127.0.0.1")) {
      Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections.createImapConnection(
          CreateImapConnectionRequest.newBuilder().setUserId(user).setEmailAddress(address)
              .setImapHost(host).setImapPort(mailServer.getImap().getPort()).setImapSecurity(ImapSecurity.IMAP_SECURITY_NONE)
              .setSmtpHost(host).setSmtpPort(mailServer.getSmtp().getPort()).setSmtpSecurity(ImapSecurity.IMAP_SECURITY_NONE)
              .setUsername(address).setPassword("secret").build()));

      assertThat(failure.violations()).as(host).extracting(BadRequest.FieldViolation::getField)
          .containsExactly("imap_host", "smtp_host");
    }
    assertThat(gateway.get().egress().dials()).isEmpty();
  }
}
