package dev.mailgate.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes mail arrive in a bench mailbox from outside the gateway, as another sender would:
 * <ul>
 *   <li>Gmail: {@code users.messages.send} from one of {@value #SENDERS} sender mailboxes of the
 *       Gmail sandbox, which delivers to the recipient's INBOX at once;</li>
 *   <li>Outlook: Graph {@code sendMail} from a sender mailbox of the Graph sandbox; Graph (and its
 *       sandbox) answers 202 and delivers after its filing delay ({@link #GRAPH_FILING_DELAY}), so
 *       the delivery stamp is the request's start plus that delay;</li>
 *   <li>IMAP: SMTP to the dev GreenMail, which files the message in the recipient's INBOX (and
 *       creates the account on first delivery: login and password are the address).</li>
 * </ul>
 * The bearer tokens are {@link SandboxToken}s of the senders. The stamp callback runs just before
 * each attempt goes on the wire; a throttled Graph call (429) is tried again.
 */
final class SandboxDelivery implements AutoCloseable {

  /** How many sender mailboxes per provider: Graph allows four requests of one mailbox in flight. */
  static final int SENDERS = 16;
  /** The Graph sandbox's delay between an accepted sendMail and the delivery (GraphSandbox.DEFAULT_FILING_DELAY). */
  static final Duration GRAPH_FILING_DELAY = Duration.ofSeconds(1);
  private static final int GRAPH_RETRIES = 20;
  private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  /** Receives the delivery stamp (System.nanoTime) of an attempt. */
  interface Stamp {
    void at(long nanos);
  }

  private final Vertx vertx;
  private final WebClient web;
  private final String sandboxRoot;
  private final SmtpSessions smtp;
  private final AtomicInteger sender = new AtomicInteger();

  /**
   * @param sandboxRoot the provider sandbox's base URL (Gmail at /gmail/v1, Graph at /v1.0)
   * @param smtpHost the dev GreenMail's SMTP host, or null without IMAP
   */
  SandboxDelivery(Vertx vertx, String sandboxRoot, String smtpHost, int smtpPort, int smtpSessions) {
    this.vertx = vertx;
    this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    this.sandboxRoot = sandboxRoot.replaceAll("/+$", "");
    this.smtp = smtpHost == null ? null : new SmtpSessions(smtpHost, smtpPort, smtpSessions);
  }

  /** Delivers a short message with {@code subject} into {@code to}'s inbox. */
  Future<Void> deliver(BenchMailbox to, String subject, Stamp stamp) {
    String from = String.format(Locale.ROOT, "sender%02d@%s", Math.floorMod(sender.getAndIncrement(), SENDERS),
        to.kind().domain);
    return switch (to.kind()) {
      case GMAIL -> gmail(from, to.address(), subject, stamp);
      case OUTLOOK -> graph(from, to.address(), subject, stamp, GRAPH_RETRIES);
      case IMAP -> {
        if (smtp == null) {
          yield Future.failedFuture(new IllegalStateException("no SMTP server for IMAP mailboxes"));
        }
        yield smtp.send(from, to.address(), mime(from, to.address(), subject), () -> stamp.at(System.nanoTime()));
      }
    };
  }

  /** Mail to an IMAP address that is not stamped: makes GreenMail create the account. */
  Future<Void> createImapAccount(String address) {
    return smtp.send("sender00@" + BenchMailbox.Kind.IMAP.domain, address,
        mime("sender00@" + BenchMailbox.Kind.IMAP.domain, address, "welcome"), () -> { });
  }

  private Future<Void> gmail(String from, String to, String subject, Stamp stamp) {
    String raw = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mime(from, to, subject).getBytes(StandardCharsets.UTF_8));
    stamp.at(System.nanoTime());
    return web.postAbs(sandboxRoot + "/gmail/v1/users/me/messages/send")
        .putHeader("authorization", "Bearer " + SandboxToken.forMailbox(from, Instant.now()))
        .sendJsonObject(new JsonObject().put("raw", raw))
        .compose(response -> response.statusCode() == 200 ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("Gmail sandbox messages.send answered HTTP "
                + response.statusCode())));
  }

  private Future<Void> graph(String from, String to, String subject, Stamp stamp, int retries) {
    JsonObject message = new JsonObject()
        .put("subject", subject)
        .put("body", new JsonObject().put("contentType", "Text").put("content", "A bench message."))
        .put("toRecipients", new JsonArray().add(new JsonObject().put("emailAddress",
            new JsonObject().put("address", to))));
    stamp.at(System.nanoTime() + GRAPH_FILING_DELAY.toNanos());
    return web.postAbs(sandboxRoot + "/v1.0/me/sendMail")
        .putHeader("authorization", "Bearer " + SandboxToken.forMailbox(from, Instant.now()))
        .sendJsonObject(new JsonObject().put("message", message).put("saveToSentItems", false))
        .compose(response -> {
          if (response.statusCode() == 202) {
            return Future.succeededFuture();
          }
          if (response.statusCode() == 429 && retries > 0) {
            Promise<Void> retried = Promise.promise();
            vertx.setTimer(50, t -> graph(from, to, subject, stamp, retries - 1).onComplete(retried));
            return retried.future();
          }
          return Future.failedFuture(new IllegalStateException("Graph sandbox sendMail answered HTTP "
              + response.statusCode()));
        });
  }

  /** A short plain-text message (CRLF line ends, none at the end). */
  static String mime(String from, String to, String subject) {
    return "From: " + from + "\r\n"
        + "To: " + to + "\r\n"
        + "Subject: " + subject + "\r\n"
        + "Date: " + RFC_5322.format(Instant.now()) + "\r\n"
        + "Message-ID: <" + UUID.randomUUID() + "@bench.mailgate.invalid>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "\r\n"
        + "A bench message.";
  }

  @Override
  public void close() {
    web.close();
    if (smtp != null) {
      smtp.close();
    }
  }
}
