package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetAttachmentRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.GetThreadRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.Message;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.proto.v1.MessageView;
import dev.mailgate.proto.v1.ModifyMessageRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SearchMessagesResponse;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.proto.v1.TrashMessageRequest;
import dev.mailgate.proto.v1.UntrashMessageRequest;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GreenMailQuirks;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestClock;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every provider must do, through the public gRPC API. A provider's test extends this with
 * its {@link ProviderMailbox} (how its mailbox is connected and how mail arrives in it); the cases
 * stay the same for Gmail, Outlook and IMAP.
 */
public abstract class MailContractTest {

  /** One gateway per contract class (JUnit runs them one after another). */
  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private final ProviderMailbox fixture;

  protected MailContractTest(ProviderMailbox fixture) {
    this.fixture = fixture;
  }

  /** The gateway the contract runs on. */
  protected TestGateway gateway() {
    return gateway.get();
  }

  /** The provider under test. */
  protected Provider provider() {
    return fixture.provider();
  }

  /** Puts a received message into the mailbox (in its inbox, unread); returns nothing the test relies on. */
  protected void deliver(String mailbox, byte[] rfc822) {
    fixture.deliver(gateway(), mailbox, rfc822);
  }

  protected MailServiceGrpc.MailServiceBlockingStub mail;
  protected String userId;
  protected Connection connection;
  protected String address;

  @BeforeEach
  void connectMailbox() throws Exception {
    mail = MailServiceGrpc.newBlockingStub(gateway().channel()).withInterceptors(TestGateway.acme());
    userId = Mailboxes.newUserId("contract");
    address = userId + "@" + provider().name().toLowerCase().replace("provider_", "") + ".test";
    connection = connect(userId, address);
  }

  /** Connects the user's mailbox at {@code address} (see {@link ProviderMailbox#connect}). */
  protected Connection connect(String userId, String address) throws Exception {
    return fixture.connect(gateway(), userId, address);
  }

  protected SearchMessagesResponse search(String query) {
    return mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setQuery(query).build());
  }

  protected Message get(String messageId, MessageView view) {
    return mail.getMessage(GetMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setMessageId(messageId).setView(view).build());
  }

  private MessageSummary only(String query) {
    List<MessageSummary> found = search(query).getMessagesList();
    assertThat(found).as("messages matching " + query).hasSize(1);
    return found.get(0);
  }

  @Test
  void searchFindsDeliveredMailNewestFirstAndNamesTheConnection() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    TestClock clock = gateway().clock();
    deliver(address, clock.dated(Mailboxes.mail("ada@example.org", address, "first " + tag, "one", "", null)));
    clock.tick(); // distinct receive times, at the providers' one-second resolution
    deliver(address, clock.dated(Mailboxes.mail("ada@example.org", address, "second " + tag, "two", "", null)));

    List<MessageSummary> found = search("subject:" + tag).getMessagesList();
    assertThat(found).extracting(MessageSummary::getSubject).containsExactly("second " + tag, "first " + tag);
    assertThat(found).allSatisfy(m -> {
      assertThat(m.getConnectionId()).isEqualTo(connection.getConnectionId());
      assertThat(m.getEmailAddress()).isEqualTo(address);
      assertThat(m.getFrom().getAddress()).isEqualTo("ada@example.org");
      assertThat(m.getLabelIdsList()).contains("INBOX", "UNREAD");
    });
  }

  @Test
  void fullMessageHasBothBodiesAndItsAttachment() throws Exception {
    byte[] pdf = "%PDF-1.4 not really".getBytes();
    deliver(address, Mailboxes.mail("ada@example.org", address, "with attachment", "plain body", "<p>html body</p>",
        new OutgoingAttachment("report.pdf", "application/pdf", pdf, "")));
    MessageSummary summary = only("subject:\"with attachment\"");
    assertThat(summary.getHasAttachments()).isTrue();

    Message full = get(summary.getMessageId(), MessageView.MESSAGE_VIEW_FULL);
    assertThat(full.getTextBody()).contains("plain body");
    assertThat(full.getHtmlBody()).contains("<p>html body</p>");
    assertThat(full.getAttachmentsList()).singleElement().satisfies(a -> {
      assertThat(a.getFilename()).isEqualTo("report.pdf");
      assertThat(a.getMimeType()).isEqualTo("application/pdf");
    });
    var attachment = mail.getAttachment(GetAttachmentRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(summary.getMessageId())
        .setAttachmentId(full.getAttachments(0).getAttachmentId()).build());
    assertThat(attachment.getData().toByteArray()).isEqualTo(pdf);

    Message raw = get(summary.getMessageId(), MessageView.MESSAGE_VIEW_RAW);
    assertThat(new String(raw.getRaw().toByteArray())).contains("Subject: with attachment");
    Message metadata = get(summary.getMessageId(), MessageView.MESSAGE_VIEW_METADATA);
    assertThat(metadata.getHeadersList()).anySatisfy(h -> assertThat(h.getName()).isEqualToIgnoringCase("subject"));
    assertThat(metadata.getTextBody()).isEmpty();
  }

  @Test
  void replySentThroughTheGatewayJoinsTheThread() throws Exception {
    if (provider() == Provider.PROVIDER_IMAP) {
      GreenMailQuirks.assumeAppendDatesParse();
    }
    deliver(address, Mailboxes.mail("ada@example.org", address, "lunch?", "lunch at noon?", "", null));
    MessageSummary original = only("subject:lunch?");
    gateway().clock().tick(); // the reply is newer at the providers' one-second resolution

    SendMessageResponse reply = mail.sendMessage(SendMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setRequestId("reply-" + UUID.randomUUID())
        .setContent(MessageContent.newBuilder()
            .addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))
            .setTextBody("noon works").setReplyToMessageId(original.getMessageId()))
        .build());
    assertThat(reply.getThreadId()).isEqualTo(original.getThreadId());

    // Outlook files a sent message in Sent Items a moment after accepting it (the sandbox too).
    var thread = mail.getThread(GetThreadRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setThreadId(original.getThreadId()).build());
    for (int waited = 0; thread.getMessagesCount() < 2 && waited < 50; waited++) {
      Thread.sleep(100);
      thread = mail.getThread(GetThreadRequest.newBuilder().setUserId(userId)
          .setConnectionId(connection.getConnectionId()).setThreadId(original.getThreadId()).build());
    }
    assertThat(thread.getMessagesList()).hasSize(2);
    Message sent = thread.getMessages(1);
    assertThat(sent.getSummary().getSubject()).isEqualTo("Re: lunch?");
    assertThat(sent.getHeadersList()).anySatisfy(h -> {
      assertThat(h.getName()).isEqualToIgnoringCase("In-Reply-To");
      assertThat(h.getValue()).isEqualTo(get(original.getMessageId(), MessageView.MESSAGE_VIEW_METADATA).getRfc822MessageId());
    });
    assertThat(search("in:sent subject:lunch?").getMessagesList()).extracting(MessageSummary::getMessageId)
        .contains(reply.getMessageId());
  }

  @Test
  void labelsMarkReadStarArchiveTrashAndUntrash() throws Exception {
    deliver(address, Mailboxes.mail("ada@example.org", address, "labels please", "body", "", null));
    String id = only("subject:\"labels please\"").getMessageId();
    var labels = mail.listLabels(ListLabelsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build()).getLabelsList();
    assertThat(labels).extracting(l -> l.getLabelId()).contains("INBOX", "SENT", "TRASH");

    MessageSummary read = mail.modifyMessage(ModifyMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(id)
        .addRemoveLabelIds("UNREAD").addAddLabelIds("STARRED").build());
    assertThat(read.getLabelIdsList()).contains("STARRED").doesNotContain("UNREAD");

    MessageSummary archived = mail.modifyMessage(ModifyMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(id).addRemoveLabelIds("INBOX").build());
    assertThat(archived.getLabelIdsList()).doesNotContain("INBOX");

    MessageSummary trashed = mail.trashMessage(TrashMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(id).build());
    assertThat(trashed.getLabelIdsList()).contains("TRASH");
    MessageSummary restored = mail.untrashMessage(UntrashMessageRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setMessageId(id).build());
    assertThat(restored.getLabelIdsList()).doesNotContain("TRASH");
  }

  @Test
  void unknownMessageIsMessageNotFound() {
    assertFails(Status.Code.NOT_FOUND, "MESSAGE_NOT_FOUND", () -> get("0123456789abcdef", MessageView.MESSAGE_VIEW_FULL));
  }

  @Test
  void anotherUsersConnectionIsNotFoundAndNothingIsSent() {
    String stranger = Mailboxes.newUserId("stranger");
    var request = SendMessageRequest.newBuilder().setUserId(stranger).setConnectionId(connection.getConnectionId())
        .setRequestId("r-" + UUID.randomUUID())
        .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("x@example.org"))
            .setSubject("not yours").setTextBody("nope").setHtmlBody("").addAttachments(
                dev.mailgate.proto.v1.OutgoingAttachment.newBuilder().setFilename("a.txt").setData(ByteString.copyFromUtf8("a"))))
        .build();
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail.sendMessage(request));
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mail.searchMessages(SearchMessagesRequest.newBuilder()
        .setUserId(stranger).setConnectionId(connection.getConnectionId()).build()));
    assertThat(search("in:sent subject:\"not yours\"").getMessagesList()).isEmpty();
  }
}
