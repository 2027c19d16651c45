package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.HtmlText;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds replies and forwards the way Outlook does: {@code RE: } or {@code FW: } before the
 * subject, the recipients of the original, In-Reply-To and References pointing at it, the same
 * conversation, and the original quoted below the comment (a forward also carries its
 * attachments).
 */
final class Replies {

  enum Kind { REPLY, REPLY_ALL, FORWARD }

  private static final Pattern BODY = Pattern.compile("(?is)<body[^>]*>(.*)</body>");
  private static final DateTimeFormatter SENT = DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy h:mm a", Locale.US)
      .withZone(ZoneOffset.UTC);

  private Replies() {}

  /** A reply or forward of {@code original} from {@code mailbox}; {@code comment} goes above the quote. */
  static GraphMessage of(Kind kind, GraphMessage original, Mailbox mailbox, String comment) {
    GraphMessage reply = new GraphMessage(Ids.messageId(), mailbox.clock());
    String prefix = kind == Kind.FORWARD ? "FW: " : "RE: ";
    reply.subject = original.subject.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))
        ? original.subject : prefix + original.subject;
    if (kind != Kind.FORWARD) {
      List<Recipient> to = new ArrayList<>(!original.replyTo.isEmpty() ? original.replyTo
          : original.from == null ? List.of() : List.of(original.from));
      reply.to = List.copyOf(to);
      if (kind == Kind.REPLY_ALL) {
        List<Recipient> cc = new ArrayList<>();
        for (Recipient r : concat(original.to, original.cc)) {
          boolean known = concat(to, cc).stream().anyMatch(k -> k.address().equalsIgnoreCase(r.address()));
          if (!known && !r.address().equalsIgnoreCase(mailbox.address())) {
            cc.add(r);
          }
        }
        reply.cc = List.copyOf(cc);
      }
    } else {
      reply.attachments.addAll(original.attachments);
    }
    if (!original.internetMessageId.isEmpty()) {
      reply.inReplyTo = original.internetMessageId;
      List<String> references = new ArrayList<>(original.references);
      references.add(original.internetMessageId);
      reply.references = List.copyOf(references);
    }
    reply.conversationId = original.conversationId;
    reply.from = mailbox.self();
    reply.body = new GraphMessage.Body("html", quote(original, comment));
    return reply;
  }

  private static String quote(GraphMessage original, String comment) {
    String commentHtml = comment == null ? "" : HtmlText.escape(comment).replace("\r\n", "\n").replace("\n", "<br>");
    Matcher inner = BODY.matcher(original.body.asHtml());
    String quoted = inner.find() ? inner.group(1) : original.body.asHtml();
    String from = original.from == null ? "" : HtmlText.escape(original.from.name() + " <" + original.from.address()
        + ">");
    String to = HtmlText.escape(original.to.stream().map(Recipient::name).collect(Collectors.joining("; ")));
    String sent = original.sent == null ? "" : SENT.format(original.sent);
    return "<html><head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n"
        + "<body>\r\n<div>" + commentHtml + "</div>\r\n"
        + "<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\r\n"
        + "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> " + from + "<br>\r\n<b>Sent:</b> " + sent
        + "<br>\r\n<b>To:</b> " + to + "<br>\r\n<b>Subject:</b> " + HtmlText.escape(original.subject)
        + "</div>\r\n<div>" + quoted + "</div>\r\n</body>\r\n</html>\r\n";
  }

  private static List<Recipient> concat(List<Recipient> a, List<Recipient> b) {
    List<Recipient> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
