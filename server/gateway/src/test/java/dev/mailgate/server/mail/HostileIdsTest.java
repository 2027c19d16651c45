package dev.mailgate.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.DeleteDraftRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetAttachmentRequest;
import dev.mailgate.proto.v1.GetDraftRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.GetThreadRequest;
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
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Caller-supplied ids (message, draft, thread, attachment, reply-to and label ids) never reach
 * another resource: on every provider each hostile id answers NOT_FOUND / MESSAGE_NOT_FOUND or
 * INVALID_ARGUMENT naming the field, and every request the Gmail and Graph sandboxes saw kept the
 * id inside one percent-encoded path segment (no dot segments, no injected query, no fragment).
 */
class HostileIdsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static final List<String> HOSTILE = List.of("../mailFolders/inbox", "x/../../me", "a?$select=subject",
      "a#b", "%2e%2e", "..", ".", "a/b", "../../users/someone-else@example.com/messages", "a\u0000b");

  private static final Map<Provider, Connection> CONNECTIONS = new EnumMap<>(Provider.class);
  private static final Map<Provider, String> USERS = new EnumMap<>(Provider.class);

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Provider provider : List.of(Provider.PROVIDER_GMAIL, Provider.PROVIDER_OUTLOOK, Provider.PROVIDER_IMAP)) {
      for (String id : HOSTILE) {
        cases.add(Arguments.of(provider, id));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void hostileIdsAnswerNotFoundOrInvalidAndReachNoOtherResource(Provider provider, String id) throws Exception {
    String user = user(provider);
    String connection = connection(provider).getConnectionId();
    var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    MessageContent reply = MessageContent.newBuilder().setSubject("re").setTextBody("x")
        .addTo(EmailAddress.newBuilder().setAddress("ada@example.com")).setReplyToMessageId(id).build();

    check(provider, id, "message_id", () -> mail.getMessage(GetMessageRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setMessageId(id).build()));
    check(provider, id, "message_id", () -> mail.getAttachment(GetAttachmentRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setMessageId(id).setAttachmentId(id).build()));
    check(provider, id, "thread_id", () -> mail.getThread(GetThreadRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setThreadId(id).build()));
    check(provider, id, "draft_id", () -> mail.getDraft(GetDraftRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setDraftId(id).build()));
    check(provider, id, "draft_id", () -> mail.updateDraft(UpdateDraftRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setDraftId(id).setContent(MessageContent.newBuilder().setSubject("x")).build()));
    check(provider, id, "draft_id", () -> mail.deleteDraft(DeleteDraftRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setDraftId(id).build()));
    check(provider, id, "message_id", () -> mail.trashMessage(TrashMessageRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setMessageId(id).build()));
    check(provider, id, "message_id", () -> mail.untrashMessage(UntrashMessageRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setMessageId(id).build()));
    check(provider, id, "message_id", () -> mail.modifyMessage(ModifyMessageRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setMessageId(id).addAddLabelIds("STARRED").build()));
    check(provider, id, "content.reply_to_message_id", () -> mail.createDraft(CreateDraftRequest.newBuilder()
        .setUserId(user).setConnectionId(connection).setContent(reply).build()));
    check(provider, id, "content.reply_to_message_id", () -> mail.sendMessage(SendMessageRequest.newBuilder()
        .setUserId(user).setConnectionId(connection).setRequestId(UUID.randomUUID().toString()).setContent(reply).build()));
    check(provider, id, "draft_id", () -> mail.sendDraft(SendDraftRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setDraftId(id).setRequestId(UUID.randomUUID().toString()).build()));
    checkLabel(provider, id, () -> mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).addLabelIds(id).build()));
    checkLabel(provider, id, () -> mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(user)
        .setConnectionId(connection).setQuery("label:\"" + id.replace("\"", "") + "\"").build()));
  }

  @org.junit.jupiter.api.Test
  void imapIdsThatDecodeToHostileFolderNamesAreNotFound() throws Exception {
    String user = user(Provider.PROVIDER_IMAP);
    String connection = connection(Provider.PROVIDER_IMAP).getConnectionId();
    var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    for (String folder : List.of("*", "%", "INBOX/../..", "\"\" {5}", "a\rb", "INBOX\u0000", "NoSuchFolder")) {
      String id = java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString((folder + "\n1\n2\n<x@example.com>").getBytes(StandardCharsets.UTF_8));
      for (ThrowingCallable call : List.<ThrowingCallable>of(
          () -> mail.getMessage(GetMessageRequest.newBuilder().setUserId(user).setConnectionId(connection)
              .setMessageId(id).build()),
          () -> mail.trashMessage(TrashMessageRequest.newBuilder().setUserId(user).setConnectionId(connection)
              .setMessageId(id).build()),
          () -> mail.modifyMessage(ModifyMessageRequest.newBuilder().setUserId(user).setConnectionId(connection)
              .setMessageId(id).addAddLabelIds("STARRED").build()))) {
        Failure failure = GrpcAssertions.failure(call);
        assertThat(failure.code()).as("%s: %s", folder, failure.message()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(failure.reason()).isEqualTo("MESSAGE_NOT_FOUND");
      }
    }
  }

  /** The call must fail as not found (or invalid, naming the field) and leave only safe requests in the sandbox. */
  private static void check(Provider provider, String id, String field, ThrowingCallable call) {
    int before = requests(provider).size();
    Failure failure = GrpcAssertions.failure(call);
    assertThat(failure.code()).as("%s %s: %s", field, id, failure.message())
        .isIn(Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT);
    if (failure.code() == Status.Code.NOT_FOUND) {
      assertThat(failure.reason()).isEqualTo("MESSAGE_NOT_FOUND");
    } else {
      assertThat(failure.violations()).extracting(BadRequest.FieldViolation::getField).as(failure.message()).contains(field);
    }
    assertSafe(provider, id, requests(provider).subList(before, requests(provider).size()));
  }

  /** A search by a hostile label finds nothing (or fails as above) and reaches no other folder. */
  private static void checkLabel(Provider provider, String id, Supplier<?> call) {
    int before = requests(provider).size();
    try {
      Object answer = call.get();
      assertThat(((dev.mailgate.proto.v1.SearchMessagesResponse) answer).getMessagesList()).as(id).isEmpty();
    } catch (io.grpc.StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as(id).isIn(Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT);
    }
    assertSafe(provider, id, requests(provider).subList(before, requests(provider).size()));
  }

  private static void assertSafe(Provider provider, String id, List<String> requests) {
    for (String request : requests) {
      String uri = request.substring(request.indexOf(' ') + 1);
      assertThat(uri).as(request).doesNotContain("#");
      int query = uri.indexOf('?');
      String path = query < 0 ? uri : uri.substring(0, query);
      if (query >= 0) {
        assertThat(uri.substring(query + 1).split("&")).as(request)
            .doesNotContain("$select=subject", "%24select=subject");
      }
      String[] segments = path.split("/", -1);
      for (int i = 0; i < segments.length; i++) {
        String decoded = URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        assertThat(decoded).as(request).isNotIn(".", "..");
        if (i > 0 && List.of("messages", "drafts", "threads", "attachments").contains(segments[i - 1])
            && i < segments.length && !segments[i].isEmpty()) {
          // The segment after a collection is an id: the caller's, whole, or one the provider handed out.
          assertThat(decoded.equals(id) || !containsAny(decoded, "/", "?", "#", "%", ".."))
              .as("%s keeps %s in one segment", request, id).isTrue();
          if (segments[i - 1].equals("messages") && decoded.equals(id) == false && !provider.equals(Provider.PROVIDER_IMAP)) {
            assertThat(decoded).as("%s names another message than %s", request, id).doesNotContain(id.replaceAll("[^A-Za-z]", ""));
          }
        }
      }
    }
  }

  private static boolean containsAny(String text, String... parts) {
    return Stream.of(parts).anyMatch(text::contains);
  }

  private static List<String> requests(Provider provider) {
    var sandbox = gateway.get().providers().sandbox();
    return switch (provider) {
      case PROVIDER_GMAIL -> sandbox.gmail().requests();
      case PROVIDER_OUTLOOK -> sandbox.graph().requests();
      default -> List.of();
    };
  }

  private static synchronized String user(Provider provider) throws Exception {
    connection(provider);
    return USERS.get(provider);
  }

  private static synchronized Connection connection(Provider provider) throws Exception {
    Connection existing = CONNECTIONS.get(provider);
    if (existing != null) {
      return existing;
    }
    String user = Mailboxes.newUserId("hostile");
    Connection connection;
    if (provider == Provider.PROVIDER_IMAP) {
      String address = user + "@imap.test";
      gateway.get().providers().mailServer().setUser(address, address, "secret");
      dev.mailgate.proto.v1.UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
          .createUser(dev.mailgate.proto.v1.CreateUserRequest.newBuilder().setUserId(user).build());
      connection = dev.mailgate.proto.v1.ConnectionServiceGrpc.newBlockingStub(gateway.get().channel())
          .withInterceptors(TestGateway.acme())
          .createImapConnection(ImapContractTest.imapRequest(gateway.get(), user, address, "secret").build());
    } else {
      String domain = provider == Provider.PROVIDER_GMAIL ? "@gmail.test" : "@outlook.test";
      connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), user, provider, user + domain);
    }
    CONNECTIONS.put(provider, connection);
    USERS.put(provider, user);
    return connection;
  }
}
