package dev.mailgate.server.testing;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.UserServiceGrpc;
import java.util.List;

/**
 * The shared set-up of a test mailbox on each provider of a {@link TestGateway}: how acme's user
 * connects one (OAuth sign-in at the local OAuth server, or an IMAP connection to GreenMail) and
 * how mail arrives in it (the Gmail or Graph sandbox, or GreenMail). The provider contract tests
 * and the fuzz fixture use it.
 */
public enum ProviderMailbox {

  GMAIL(Provider.PROVIDER_GMAIL) {
    @Override
    public void deliver(TestGateway gateway, String mailbox, byte[] rfc822) {
      gateway.providers().sandbox().gmail().deliver(mailbox, rfc822, List.of("INBOX", "UNREAD"));
    }
  },
  OUTLOOK(Provider.PROVIDER_OUTLOOK) {
    @Override
    public void deliver(TestGateway gateway, String mailbox, byte[] rfc822) {
      gateway.providers().sandbox().graph().deliver(mailbox, rfc822, "inbox");
    }
  },
  IMAP(Provider.PROVIDER_IMAP) {
    /** Makes the GreenMail account (password {@code secret-<user>}), the user, and the IMAP connection. */
    @Override
    public Connection connect(TestGateway gateway, String userId, String address) {
      gateway.providers().mailServer().setUser(address, address, "secret-" + userId);
      UserServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
          .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
      return ConnectionServiceGrpc.newBlockingStub(gateway.channel()).withInterceptors(TestGateway.acme())
          .createImapConnection(imapRequest(gateway, userId, address, "secret-" + userId).build());
    }

    @Override
    public void deliver(TestGateway gateway, String mailbox, byte[] rfc822) {
      gateway.deliverImap(mailbox, rfc822);
    }
  };

  private final Provider provider;

  ProviderMailbox(Provider provider) {
    this.provider = provider;
  }

  /** The fixture of a proto provider. */
  public static ProviderMailbox of(Provider provider) {
    for (ProviderMailbox mailbox : values()) {
      if (mailbox.provider == provider) {
        return mailbox;
      }
    }
    throw new IllegalArgumentException("no test mailbox for " + provider);
  }

  public Provider provider() {
    return provider;
  }

  /** Connects acme's user {@code userId} to the mailbox at {@code address} (OAuth providers sign in). */
  public Connection connect(TestGateway gateway, String userId, String address) throws Exception {
    return Mailboxes.connect(gateway, TestGateway.acme(), userId, provider, address);
  }

  /** Puts a received message into the mailbox's inbox, unread. */
  public abstract void deliver(TestGateway gateway, String mailbox, byte[] rfc822);

  /** A CreateImapConnection for a GreenMail account of the gateway's mail server (plain IMAP and SMTP on loopback). */
  public static CreateImapConnectionRequest.Builder imapRequest(TestGateway gateway, String userId, String address,
      String password) {
    return imapRequest(gateway.providers().mailServer(), userId, address, password);
  }

  /** A CreateImapConnection for a GreenMail account of {@code mailServer} (plain IMAP and SMTP on loopback). */
  public static CreateImapConnectionRequest.Builder imapRequest(com.icegreen.greenmail.util.GreenMail mailServer,
      String userId, String address, String password) {
    return CreateImapConnectionRequest.newBuilder().setUserId(userId).setEmailAddress(address)
        .setImapHost("127.0.0.1").setImapPort(mailServer.getImap().getPort()).setImapSecurity(ImapSecurity.IMAP_SECURITY_NONE)
        .setSmtpHost("127.0.0.1").setSmtpPort(mailServer.getSmtp().getPort()).setSmtpSecurity(ImapSecurity.IMAP_SECURITY_NONE)
        .setUsername(address).setPassword(password);
  }
}
