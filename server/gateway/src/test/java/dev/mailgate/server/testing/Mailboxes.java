package dev.mailgate.server.testing;

import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MimeComposer;
import dev.mailgate.server.mail.OutgoingAttachment;
import dev.mailgate.server.mail.OutgoingMessage;
import io.grpc.ClientInterceptor;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Connected mailboxes and test mail, made the way users and senders make them. */
public final class Mailboxes {

  private Mailboxes() {}

  /** Connects a mailbox through the public OAuth flow (StartAuthorization, sign-in, CompleteAuthorization). */
  public static Connection connect(TestGateway gateway, ClientInterceptor tenant, String userId, Provider provider,
      String email) throws Exception {
    var connections = ConnectionServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(tenant);
    var started = connections.startAuthorization(StartAuthorizationRequest.newBuilder()
        .setUserId(userId).setProvider(provider).build());
    Map<String, String> callback = Browser.query(new Browser().signIn(started.getAuthorizationUrl(), email));
    return connections.completeAuthorization(CompleteAuthorizationRequest.newBuilder()
        .setState(callback.get("state")).setCode(callback.get("code")).build());
  }

  public static String newUserId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An RFC 5322 message from {@code from} to {@code to}, with an optional attachment. */
  public static byte[] mail(String from, String to, String subject, String text, String html, OutgoingAttachment attachment) {
    OutgoingMessage message = new OutgoingMessage(List.of(MailAddress.of(to)), List.of(), List.of(), subject, text, html,
        attachment == null ? List.of() : List.of(attachment), "");
    return MimeComposer.compose(from, message, "<" + UUID.randomUUID() + "@test.example>", null);
  }
}
