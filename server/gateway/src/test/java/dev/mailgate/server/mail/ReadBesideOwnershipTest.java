package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.DeleteConnectionRequest;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Message;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read of a connection this node already found owned starts at Gmail beside its ownership query,
 * but its answer waits for that query and is dropped when the query finds the connection deleted,
 * changed or another user's: the ownership check still decides every answer, on every node.
 */
class ReadBesideOwnershipTest {

  /** One connection kept as found owned, so that a test can fill what this node remembers. */
  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(java.util.Map.of(), options -> options
      .withBounds(options.bounds().withCacheEntries(1)));

  private GmailSandbox sandbox;
  private MailServiceGrpc.MailServiceBlockingStub mail;
  private String owner;
  private Connection connection;
  private GetMessageRequest get;

  @BeforeEach
  void connect() throws Exception {
    sandbox = gateway.get().providers().sandbox().gmail();
    mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    owner = Mailboxes.newUserId("beside");
    String address = owner + "@gmail.test";
    connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), owner, Provider.PROVIDER_GMAIL, address);
    String messageId = sandbox.deliver(address, Mailboxes.mail("ada@example.org", address, "hello", "text", "", null),
        List.of("INBOX"));
    get = GetMessageRequest.newBuilder().setUserId(owner).setConnectionId(connection.getConnectionId())
        .setMessageId(messageId).build();
  }

  @Test
  void aReadStartedBeforeTheQueryFoundTheConnectionDeletedAnswersNotFound() throws Exception {
    assertThat(mail.getMessage(get).getSummary().getMessageId()).isEqualTo(get.getMessageId());
    try (var db = lockedConnections()) {
      CompletableFuture<Message> pending = readThatReachesGmail();
      Thread.sleep(200);
      assertThat(pending).as("the answer waits for the ownership query").isNotDone();
      db.createStatement().execute("DELETE FROM connections WHERE id = '" + connection.getConnectionId() + "'");
      db.commit();
      assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> join(pending));
    }
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail.getMessage(get));
  }

  @Test
  void aReadStartedBeforeTheQueryFoundTheConnectionNeedingReauthorizationAnswersSo() throws Exception {
    mail.getMessage(get);
    try (var db = lockedConnections()) {
      CompletableFuture<Message> pending = readThatReachesGmail();
      db.createStatement().execute("UPDATE connections SET status = 'NEEDS_REAUTH', update_time = now() WHERE id = '"
          + connection.getConnectionId() + "'");
      db.commit();
      assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH", () -> join(pending));
    }
  }

  @Test
  void aConnectionDeletedThroughAnotherNodeIsNotFoundHereAtOnce() throws Exception {
    SearchMessagesRequest search = SearchMessagesRequest.newBuilder().setUserId(owner)
        .setConnectionId(connection.getConnectionId()).build();
    assertThat(mail.searchMessages(search).getMessagesList()).hasSize(1);
    try (TestGateway.Sibling other = gateway.get().startSibling()) {
      ConnectionServiceGrpc.newBlockingStub(other.channel()).withInterceptors(TestGateway.acme())
          .deleteConnection(DeleteConnectionRequest.newBuilder().setUserId(owner)
              .setConnectionId(connection.getConnectionId()).build());
    }
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail.searchMessages(search));
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail.getMessage(get));
  }

  @Test
  void aConnectionNotYetFoundOwnedOnThisNodeWaitsForTheQueryBeforeGmailIsCalled() throws Exception {
    try (var db = lockedConnections()) {
      int before = sandbox.calls("GET", "");
      CompletableFuture<Message> pending = CompletableFuture.supplyAsync(() -> mail.getMessage(get));
      Thread.sleep(500);
      assertThat(sandbox.calls("GET", "")).as("Gmail calls before the ownership query answered").isEqualTo(before);
      db.rollback();
      assertThat(pending.join().getSummary().getMessageId()).isEqualTo(get.getMessageId());
    }
  }

  @Test
  void theConnectionsANodeRemembersAsOwnedAreBounded() throws Exception {
    String address = owner + "-second@gmail.test";
    Connection second = Mailboxes.connect(gateway.get(), TestGateway.acme(), owner, Provider.PROVIDER_GMAIL, address);
    String messageId = sandbox.deliver(address, Mailboxes.mail("ada@example.org", address, "hi", "text", "", null),
        List.of("INBOX"));
    GetMessageRequest getSecond = GetMessageRequest.newBuilder().setUserId(owner)
        .setConnectionId(second.getConnectionId()).setMessageId(messageId).build();
    mail.getMessage(get);
    mail.getMessage(getSecond);
    Thread.sleep(500); // the cache's maintenance evicts one of the two
    try (var db = lockedConnections()) {
      int before = sandbox.calls("GET", "");
      CompletableFuture<Message> first = CompletableFuture.supplyAsync(() -> mail.getMessage(get));
      CompletableFuture<Message> other = CompletableFuture.supplyAsync(() -> mail.getMessage(getSecond));
      Thread.sleep(1000);
      assertThat(sandbox.calls("GET", "") - before).as("reads that started before their ownership query answered")
          .isEqualTo(1);
      db.rollback();
      assertThat(first.join().getSummary().getMessageId()).isEqualTo(get.getMessageId());
      assertThat(other.join().getSummary().getMessageId()).isEqualTo(messageId);
    }
  }

  /** acme's database in a transaction holding its connections table: ownership queries wait until it ends. */
  private static java.sql.Connection lockedConnections() throws Exception {
    java.sql.Connection db = TestPostgres.get().jdbc(gateway.get().database("acme"));
    db.setAutoCommit(false);
    db.createStatement().execute("LOCK TABLE connections IN ACCESS EXCLUSIVE MODE");
    return db;
  }

  /** Starts the GetMessage and waits until it has reached Gmail (while its ownership query waits). */
  private CompletableFuture<Message> readThatReachesGmail() throws InterruptedException {
    int before = sandbox.calls("GET", "");
    CompletableFuture<Message> pending = CompletableFuture.supplyAsync(() -> mail.getMessage(get));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (sandbox.calls("GET", "") <= before) {
      assertThat(System.nanoTime() - deadline).as("the read reached Gmail while the query waited").isNegative();
      Thread.sleep(10);
    }
    return pending;
  }

  private static Message join(CompletableFuture<Message> pending) {
    try {
      return pending.join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }
}
