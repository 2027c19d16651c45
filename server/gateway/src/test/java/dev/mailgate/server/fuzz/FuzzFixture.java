package dev.mailgate.server.fuzz;

import com.google.protobuf.Message;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListDraftsRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.proto.v1.MessageView;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.ReportServiceGrpc;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.mail.OutgoingAttachment;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under fuzz (the production wiring, {@link TestGateway}) with a test user of tenant
 * acme who has a Gmail, an Outlook and an IMAP connection, mail with attachments, drafts and a
 * sent message in each, and a few users without connections; every answer is learnt by
 * {@link RealValues}. Fuzzed calls may delete that user or its connections: {@link #keepDeep()}
 * makes a new one when that happened.
 */
final class FuzzFixture implements AutoCloseable {

  final TestGateway gateway;
  final RealValues real = new RealValues();
  final RawGrpcClient raw;
  private String deepUser;
  private List<String> deepConnections = List.of();

  private FuzzFixture(TestGateway gateway) {
    this.gateway = gateway;
    this.raw = new RawGrpcClient(gateway.port());
  }

  static FuzzFixture start() throws Exception {
    FuzzFixture fixture = new FuzzFixture(TestGateway.start());
    var mailServer = fixture.gateway.providers().mailServer();
    fixture.real.addInt("imap_port", mailServer.getImap().getPort());
    fixture.real.addInt("smtp_port", mailServer.getSmtp().getPort());
    fixture.real.addInt("closed_port", FreePort.pick());
    fixture.seed();
    return fixture;
  }

  private UserServiceGrpc.UserServiceBlockingStub users() {
    return UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private ConnectionServiceGrpc.ConnectionServiceBlockingStub connections() {
    return ConnectionServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private MailServiceGrpc.MailServiceBlockingStub mail() {
    return MailServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private <Q extends Message, A extends Message> A learn(Q request, java.util.function.Function<Q, A> call) {
    A answer = call.apply(request);
    real.learn(request, answer);
    return answer;
  }

  /** A new deep user with three connections, mail, drafts and a sent message; learns every answer. */
  void seed() throws Exception {
    String user = Mailboxes.newUserId("fuzz");
    learn(CreateUserRequest.newBuilder().setUserId(user).setEmail(user + "@example.org").build(), users()::createUser);
    for (int i = 0; i < 2; i++) {
      learn(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("fuzz-empty")).build(), users()::createUser);
    }
    List<Connection> connected = new ArrayList<>();
    connected.add(Mailboxes.connect(gateway, TestGateway.acme(), user, Provider.PROVIDER_GMAIL, user + "@gmail.test"));
    connected.add(Mailboxes.connect(gateway, TestGateway.acme(), user, Provider.PROVIDER_OUTLOOK, user + "@outlook.test"));
    String imapAddress = user + "@imap.test";
    gateway.providers().mailServer().setUser(imapAddress, imapAddress, "secret-" + user);
    connected.add(learn(ProviderMailbox.imapRequest(gateway, user, imapAddress, "secret-" + user).build(),
        connections()::createImapConnection));
    for (Connection connection : connected) {
      real.learn(GetConnectionRequest.newBuilder().setUserId(user).build(), connection);
      deliver(connection);
      learn(CreateDraftRequest.newBuilder().setUserId(user).setConnectionId(connection.getConnectionId())
          .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))
              .setSubject("fuzz draft").setTextBody("draft body")).build(), mail()::createDraft);
      String requestId = "fuzz-send-" + UUID.randomUUID();
      real.add("request_id", requestId);
      learn(SendMessageRequest.newBuilder().setUserId(user).setConnectionId(connection.getConnectionId())
          .setRequestId(requestId).setContent(MessageContent.newBuilder()
              .addTo(EmailAddress.newBuilder().setAddress("ada@example.org")).setSubject("fuzz sent").setTextBody("hi"))
          .build(), mail()::sendMessage);
    }
    harvest(user, connected);
    deepUser = user;
    deepConnections = connected.stream().map(Connection::getConnectionId).toList();
  }

  private void deliver(Connection connection) {
    String to = connection.getEmailAddress();
    for (int i = 0; i < 2; i++) {
      byte[] rfc822 = Mailboxes.mail("ada@example.org", to, "fuzz mail " + i, "plain " + i, "<p>html " + i + "</p>",
          i == 0 ? null : new OutgoingAttachment("report.pdf", "application/pdf", "%PDF-1.4 fuzz".getBytes(), ""));
      ProviderMailbox.of(connection.getProvider()).deliver(gateway, to, rfc822);
    }
  }

  /** Small pages everywhere, so that page tokens are handed out and learnt. */
  private void harvest(String user, List<Connection> connected) {
    learn(ListUsersRequest.newBuilder().setPageSize(1).build(), users()::listUsers);
    learn(ListConnectionsRequest.newBuilder().setUserId(user).setPageSize(1).build(), connections()::listConnections);
    learn(StartAuthorizationRequest.newBuilder().setUserId(user).setProvider(Provider.PROVIDER_GMAIL).build(),
        connections()::startAuthorization);
    learn(GetUserReportRequest.newBuilder().setUserId(user).build(),
        ReportServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())::getUserReport);
    learn(SearchMessagesRequest.newBuilder().setUserId(user).setConnectionId("-").setPageSize(2).build(),
        mail()::searchMessages);
    for (Connection connection : connected) {
      String id = connection.getConnectionId();
      learn(ListLabelsRequest.newBuilder().setUserId(user).setConnectionId(id).build(), mail()::listLabels);
      learn(ListDraftsRequest.newBuilder().setUserId(user).setConnectionId(id).setPageSize(1).build(), mail()::listDrafts);
      learn(SearchMessagesRequest.newBuilder().setUserId(user).setConnectionId(id).setPageSize(1).build(),
          mail()::searchMessages);
      var all = learn(SearchMessagesRequest.newBuilder().setUserId(user).setConnectionId(id).build(), mail()::searchMessages);
      for (MessageSummary summary : all.getMessagesList()) {
        learn(GetMessageRequest.newBuilder().setUserId(user).setConnectionId(id).setMessageId(summary.getMessageId())
            .setView(MessageView.MESSAGE_VIEW_FULL).build(), mail()::getMessage);
      }
    }
  }

  /** Makes a new deep user if fuzzing deleted the last one or one of its connections. */
  void keepDeep() throws Exception {
    try {
      for (String connection : deepConnections) {
        connections().getConnection(GetConnectionRequest.newBuilder().setUserId(deepUser).setConnectionId(connection).build());
      }
    } catch (io.grpc.StatusRuntimeException gone) {
      seed();
    }
  }

  /** Fails unless the gateway answers a health check and an ordinary authenticated call. */
  void assertAlive() {
    HealthCheckResponse health = HealthGrpc.newBlockingStub(gateway.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    if (health.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
      throw new AssertionError("health check answered " + health.getStatus());
    }
    users().withDeadlineAfter(10, TimeUnit.SECONDS).listUsers(ListUsersRequest.newBuilder().setPageSize(1).build());
  }

  @Override
  public void close() throws Exception {
    raw.close();
    gateway.close();
  }
}
