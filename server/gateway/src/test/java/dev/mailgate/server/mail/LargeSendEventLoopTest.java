package dev.mailgate.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.OutgoingAttachment;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.FreePort;
import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.server.sandbox.LocalProviders;
import dev.mailgate.server.testing.BlockedEventLoops;
import dev.mailgate.server.testing.TestEgress;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import dev.mailgate.tenant.config.TenantConfigLoader;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 25 MB send does not do its heavy work on an event loop: hashing the request, copying it into
 * domain types, building the MIME and its base64 run on worker pools. The gateway here runs on a
 * Vert.x that reports, with a stack trace, every event-loop task longer than
 * {@value #MAX_TASK_MILLIS} ms; none of those stacks may be in that work. (Wall-clock limits alone
 * fail on a busy machine for reasons of their own, class loading for one.) The send goes over SMTP
 * (GreenMail), so no sandbox shares the gateway's event loops.
 */
class LargeSendEventLoopTest {

  private static final long MAX_TASK_MILLIS = 100;
  /** Frames of the CPU-heavy work a large send does. */
  private static final java.util.List<String> HEAVY = java.util.List.of("dev.mailgate.server.mail.MimeComposer",
      "java.security.MessageDigest", "java.util.Base64", "dev.mailgate.server.api.MailProtos", "jakarta.mail");

  @Test
  void aTwentyFiveMegabyteSendBlocksNoEventLoop() throws Exception {
    BlockedEventLoops.watch();
    TestPostgres postgres = TestPostgres.get();
    String database = "large_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    postgres.createDatabase(database);
    Path dir = Files.createTempDirectory("mailgate-large");
    Files.writeString(dir.resolve("acme.yaml"), TestGateway.tenantYaml("acme", database, TestGateway.ACME_KEY));
    int port = FreePort.pick();
    Map<String, String> env = Map.of("TEST_PUBLIC_URL", "http://127.0.0.1:" + port, "TEST_CLIENT_SECRET", "secret",
        "TEST_DB_HOST", postgres.host(), "TEST_DB_PORT", Integer.toString(postgres.port()),
        "TEST_DB_USER", postgres.user(), "TEST_DB_PASSWORD", postgres.password());
    var tenants = new TenantConfigLoader(env::get).loadDirectory(dir).tenants();
    Vertx providersVertx = Vertx.vertx();
    LocalProviders providers = LocalProviders.start(providersVertx, false);
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(MAX_TASK_MILLIS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(MAX_TASK_MILLIS).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    GatewayServer server = GatewayServer.start(vertx, GatewayOptions.local("127.0.0.1", port, dir.resolve("secrets"))
        .withOAuth(TestGateway.localOAuth(providers)).withEgress(new TestEgress().devPolicy()), tenants).await(120, TimeUnit.SECONDS);
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      String userId = "large-" + UUID.randomUUID().toString().substring(0, 8);
      String address = userId + "@imap.test";
      providers.mailServer().setUser(address, address, "secret");
      UserServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
          .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
      var connection = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
          .createImapConnection(CreateImapConnectionRequest.newBuilder().setUserId(userId).setEmailAddress(address)
              .setImapHost("127.0.0.1").setImapPort(providers.mailServer().getImap().getPort())
              .setImapSecurity(ImapSecurity.IMAP_SECURITY_NONE)
              .setSmtpHost("127.0.0.1").setSmtpPort(providers.mailServer().getSmtp().getPort())
              .setSmtpSecurity(ImapSecurity.IMAP_SECURITY_NONE).setUsername(address).setPassword("secret").build());
      byte[] big = new byte[25 * 1024 * 1024];
      new Random(11).nextBytes(big);
      Thread.sleep(300);
      BlockedEventLoops.drainStacks();

      var sent = MailServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
          .withMaxOutboundMessageSize(40 * 1024 * 1024)
          .sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
              .setRequestId("large-" + UUID.randomUUID())
              .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress(address))
                  .setSubject("large").setTextBody("see attached")
                  .addAttachments(OutgoingAttachment.newBuilder().setFilename("big.bin")
                      .setMimeType("application/octet-stream").setData(ByteString.copyFrom(big))))
              .build());
      Thread.sleep(300);

      assertThat(sent.getMessageId()).isNotEmpty();
      assertThat(providers.mailServer().getReceivedMessages()).isNotEmpty();
      assertThat(BlockedEventLoops.drainStacks()).as("event-loop tasks longer than " + MAX_TASK_MILLIS + " ms")
          .noneMatch(stack -> HEAVY.stream().anyMatch(stack::contains));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close().await(20, TimeUnit.SECONDS);
      vertx.close().await(20, TimeUnit.SECONDS);
      providers.close();
      providersVertx.close().await(20, TimeUnit.SECONDS);
    }
  }
}
