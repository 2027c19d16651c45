package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.DeleteDraftRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetAttachmentRequest;
import dev.mailgate.proto.v1.GetDraftRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.GetThreadRequest;
import dev.mailgate.proto.v1.ListDraftsRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.ModifyMessageRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SendDraftRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.TrashMessageRequest;
import dev.mailgate.proto.v1.UntrashMessageRequest;
import dev.mailgate.proto.v1.UpdateDraftRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every MailService RPC refuses another user's connection, and nothing reaches the mailbox. */
class MailOwnershipTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void everyRpcOnAnotherUsersConnectionIsNotFoundAndTouchesNothing() throws Exception {
    String owner = Mailboxes.newUserId("owner");
    String address = owner + "@gmail.test";
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), owner, Provider.PROVIDER_GMAIL, address);
    var sandbox = gateway.get().providers().sandbox().gmail();
    String messageId = sandbox.deliver(address, Mailboxes.mail("a@example.org", address, "private", "secret text", "", null),
        List.of("INBOX", "UNREAD"));
    String stranger = Mailboxes.newUserId("stranger");
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(stranger).build());

    var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    String id = connection.getConnectionId();
    MessageContent content = MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("x@example.org"))
        .setSubject("hijack").setTextBody("no").build();
    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put("SearchMessages", () -> mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(stranger).setConnectionId(id).build()));
    calls.put("GetMessage", () -> mail.getMessage(GetMessageRequest.newBuilder().setUserId(stranger).setConnectionId(id).setMessageId(messageId).build()));
    calls.put("GetAttachment", () -> mail.getAttachment(GetAttachmentRequest.newBuilder().setUserId(stranger).setConnectionId(id).setMessageId(messageId).setAttachmentId("a").build()));
    calls.put("GetThread", () -> mail.getThread(GetThreadRequest.newBuilder().setUserId(stranger).setConnectionId(id).setThreadId(messageId).build()));
    calls.put("SendMessage", () -> mail.sendMessage(SendMessageRequest.newBuilder().setUserId(stranger).setConnectionId(id).setRequestId("r1").setContent(content).build()));
    calls.put("CreateDraft", () -> mail.createDraft(CreateDraftRequest.newBuilder().setUserId(stranger).setConnectionId(id).setContent(content).build()));
    calls.put("GetDraft", () -> mail.getDraft(GetDraftRequest.newBuilder().setUserId(stranger).setConnectionId(id).setDraftId("d").build()));
    calls.put("ListDrafts", () -> mail.listDrafts(ListDraftsRequest.newBuilder().setUserId(stranger).setConnectionId(id).build()));
    calls.put("UpdateDraft", () -> mail.updateDraft(UpdateDraftRequest.newBuilder().setUserId(stranger).setConnectionId(id).setDraftId("d").setContent(content).build()));
    calls.put("DeleteDraft", () -> mail.deleteDraft(DeleteDraftRequest.newBuilder().setUserId(stranger).setConnectionId(id).setDraftId("d").build()));
    calls.put("SendDraft", () -> mail.sendDraft(SendDraftRequest.newBuilder().setUserId(stranger).setConnectionId(id).setDraftId("d").setRequestId("r2").build()));
    calls.put("ListLabels", () -> mail.listLabels(ListLabelsRequest.newBuilder().setUserId(stranger).setConnectionId(id).build()));
    calls.put("ModifyMessage", () -> mail.modifyMessage(ModifyMessageRequest.newBuilder().setUserId(stranger).setConnectionId(id).setMessageId(messageId).addRemoveLabelIds("UNREAD").build()));
    calls.put("TrashMessage", () -> mail.trashMessage(TrashMessageRequest.newBuilder().setUserId(stranger).setConnectionId(id).setMessageId(messageId).build()));
    calls.put("UntrashMessage", () -> mail.untrashMessage(UntrashMessageRequest.newBuilder().setUserId(stranger).setConnectionId(id).setMessageId(messageId).build()));

    // The owner reads first: this node now knows the connection as the owner's (a read of the owner's may start
    // before its ownership query answers), and still nothing of the stranger's may reach the mailbox.
    mail.getMessage(GetMessageRequest.newBuilder().setUserId(owner).setConnectionId(id).setMessageId(messageId).build());
    int before = sandbox.calls("GET", "") + sandbox.calls("POST", "") + sandbox.calls("PUT", "") + sandbox.calls("DELETE", "");
    for (var call : calls.entrySet()) {
      Failure failure = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", call.getValue());
      assertThat(failure.message()).as(call.getKey()).isEqualTo("connection not found");
    }
    int after = sandbox.calls("GET", "") + sandbox.calls("POST", "") + sandbox.calls("PUT", "") + sandbox.calls("DELETE", "");
    assertThat(after).as("calls that reached the mailbox").isEqualTo(before);
    assertThat(sandbox.labelsOf(address, messageId)).contains("INBOX", "UNREAD").doesNotContain("TRASH");
    assertThat(sandbox.count(address, "SENT")).isZero();
  }
}
