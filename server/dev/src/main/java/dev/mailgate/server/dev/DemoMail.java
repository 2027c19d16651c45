package dev.mailgate.server.dev;

import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MimeComposer;
import dev.mailgate.server.mail.OutgoingAttachment;
import dev.mailgate.server.mail.OutgoingMessage;
import com.icegreen.greenmail.util.GreenMail;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.sandbox.ProviderSandbox;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Mail waiting in the demo users' sandbox Gmail, Outlook and IMAP mailboxes, so dev mode has something
 * to search, read and reply to as soon as alice connects: a plain note, a message with a PDF
 * attached, and an HTML newsletter.
 */
final class DemoMail {

  private DemoMail() {}

  /** The IMAP/SMTP password of each demo mailbox on the dev GreenMail server (dev only). */
  static String imapPassword(String mailbox) {
    return mailbox.substring(0, mailbox.indexOf('@')) + "-imap-dev";
  }

  /** The demo mailboxes and their three messages, in the sandbox and on the mail server (either may be null). */
  static void seed(ProviderSandbox sandbox, GreenMail mailServer) {
    for (String mailbox : List.of("alice@example.com", "bob@example.com")) {
      if (sandbox != null) {
        sandbox.gmail().createMailbox(mailbox);
        sandbox.graph().createMailbox(mailbox);
      }
      if (mailServer != null) {
        mailServer.setUser(mailbox, mailbox, imapPassword(mailbox));
      }
      deliver(sandbox, mailServer, mailbox, new OutgoingMessage(List.of(MailAddress.of(mailbox)), List.of(), List.of(),
          "Welcome to the Mailgate sandbox", "This mailbox lives in the Gmail sandbox of ./mailgate dev.", "",
          List.of(), ""));
      deliver(sandbox, mailServer, mailbox, new OutgoingMessage(List.of(MailAddress.of(mailbox)), List.of(), List.of(),
          "Quarterly report", "Hi, the report is attached. Can you review it by Friday?", "",
          List.of(new OutgoingAttachment("report.pdf", "application/pdf",
              "%PDF-1.4\n% a tiny demo document\n".getBytes(StandardCharsets.US_ASCII), "")), ""));
      deliver(sandbox, mailServer, mailbox, new OutgoingMessage(List.of(MailAddress.of(mailbox)), List.of(), List.of(),
          "Sandbox newsletter", "Plain-text version of the newsletter.",
          "<h1>Sandbox newsletter</h1><p>The <b>HTML</b> version.</p>", List.of(), ""));
    }
  }

  private static void deliver(ProviderSandbox sandbox, GreenMail mailServer, String mailbox, OutgoingMessage message) {
    String from = message.subject().startsWith("Welcome") ? "team@mailgate.invalid" : "ada@example.org";
    byte[] raw = MimeComposer.compose(from, message, "<" + UUID.randomUUID() + "@demo.mailgate.invalid>", null);
    if (sandbox != null) {
      sandbox.gmail().deliver(mailbox, raw, List.of("INBOX", "UNREAD"));
      sandbox.graph().deliver(mailbox, raw, "inbox");
    }
    if (mailServer != null) {
      mailServer.getUserManager().getUser(mailbox).deliver(MimeReader.parse(raw));
    }
  }

  /** Tops each demo mailbox of the sandbox's Gmail up to {@code total} messages with short notes. */
  static void fillGmail(ProviderSandbox sandbox, int total) {
    for (String mailbox : List.of("alice@example.com", "bob@example.com")) {
      for (int i = 4; i <= total; i++) {
        OutgoingMessage note = new OutgoingMessage(List.of(MailAddress.of(mailbox)), List.of(), List.of(),
            "Sandbox note " + i, "Note number " + i + " of the sandbox mailbox.", "", List.of(), "");
        byte[] raw = MimeComposer.compose("ada@example.org", note, "<" + UUID.randomUUID() + "@demo.mailgate.invalid>",
            null);
        sandbox.gmail().deliver(mailbox, raw, List.of("INBOX"));
      }
    }
  }
}
