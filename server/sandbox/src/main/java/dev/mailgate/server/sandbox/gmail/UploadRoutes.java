package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's media upload protocols on {@code /upload/gmail/v1/users/{userId}/...}: {@code media},
 * {@code multipart} (JSON metadata and the message in one multipart/related body) and
 * {@code resumable} (an initiation answered with a session {@code Location}, then PUTs with
 * {@code Content-Range}, 308 until the last byte arrives). The Java client uses resumable unless
 * direct upload is enabled.
 */
final class UploadRoutes {

  /** What to do with an uploaded message: the same as the JSON method does with {@code raw}. */
  @FunctionalInterface
  interface MediaTarget {
    void complete(RoutingContext ctx, Mailbox mailbox, String pathId, JsonObject metadata, byte[] media);
  }

  private record Session(Mailbox mailbox, MediaTarget target, String pathId, JsonObject metadata, long length,
      ByteArrayOutputStream received) {}

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

  private final RouteTable routes;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  UploadRoutes(RouteTable routes) {
    this.routes = routes;
    routes.addAt("PUT", RouteTable.UPLOAD + "/*", this::chunk);
  }

  void target(String method, String path, MediaTarget target) {
    routes.addAt(method, RouteTable.UPLOAD + path, ctx -> start(ctx, target));
  }

  private void start(RoutingContext ctx, MediaTarget target) {
    Mailbox mailbox = Gate.mailbox(ctx);
    String pathId = ctx.pathParam("id");
    String uploadType = Exchange.param(ctx, "uploadType");
    switch (uploadType == null ? "" : uploadType) {
      case "media" -> target.complete(ctx, mailbox, pathId, new JsonObject(), media(RequestBodies.bytes(ctx)));
      case "multipart" -> multipart(ctx, mailbox, pathId, target);
      case "resumable" -> {
        JsonObject metadata = RequestBodies.json(ctx);
        String declared = ctx.request().getHeader("X-Upload-Content-Length");
        long length = declared == null ? -1 : Long.parseLong(declared.trim());
        if (length > Mailboxes.MAX_MESSAGE_BYTES) {
          throw GmailException.tooLarge();
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        sessions.put(id, new Session(mailbox, target, pathId, metadata, length, new ByteArrayOutputStream()));
        HostAndPort authority = ctx.request().authority();
        String location = ctx.request().scheme() + "://" + authority.host()
            + (authority.port() > 0 ? ":" + authority.port() : "") + ctx.request().path()
            + "?uploadType=resumable&upload_id=" + id;
        ctx.response().putHeader("Location", location).putHeader("X-GUploader-UploadID", id).setStatusCode(200).end();
      }
      default -> throw GmailException.invalidArgument(
          "Upload requests must include an uploadType URL parameter and a URL path beginning with /upload/");
    }
  }

  private void multipart(RoutingContext ctx, Mailbox mailbox, String pathId, MediaTarget target) {
    try {
      MimeMultipart related = new MimeMultipart(
          new ByteArrayDataSource(RequestBodies.bytes(ctx), ctx.request().getHeader("content-type")));
      if (related.getCount() != 2) {
        throw GmailException.invalidArgument("Multipart upload needs metadata and media parts");
      }
      target.complete(ctx, mailbox, pathId, RequestBodies.json(bytesOf(related.getBodyPart(0))),
          media(bytesOf(related.getBodyPart(1))));
    } catch (MessagingException | IOException malformed) {
      throw GmailException.invalidArgument("Invalid multipart upload: " + malformed.getMessage());
    }
  }

  private static byte[] bytesOf(BodyPart part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private void chunk(RoutingContext ctx) {
    String id = Exchange.param(ctx, "upload_id");
    if (id == null) {
      ctx.next();
      return;
    }
    Session session = sessions.get(id);
    if (session == null || session.mailbox() != Gate.mailbox(ctx)) {
      throw GmailException.notFound();
    }
    byte[] bytes = RequestBodies.bytes(ctx);
    long total = session.length();
    String range = ctx.request().getHeader("Content-Range");
    ByteArrayOutputStream received = session.received();
    if (range == null) {
      received.writeBytes(bytes);
      total = received.size();
    } else {
      Matcher m = CONTENT_RANGE.matcher(range.trim());
      if (!m.matches()) {
        throw GmailException.invalidArgument("Invalid Content-Range: " + range);
      }
      if (!m.group(3).equals("*")) {
        total = Long.parseLong(m.group(3));
      }
      if (m.group(1) != null) {
        long first = Long.parseLong(m.group(1));
        long skip = received.size() - first;
        if (skip >= 0 && skip < bytes.length) {
          received.write(bytes, (int) skip, bytes.length - (int) skip);
        }
      }
    }
    if (received.size() > Mailboxes.MAX_MESSAGE_BYTES) {
      sessions.remove(id);
      throw GmailException.tooLarge();
    }
    if (total >= 0 && received.size() >= total) {
      sessions.remove(id);
      session.target().complete(ctx, session.mailbox(), session.pathId(), session.metadata(), received.toByteArray());
      return;
    }
    if (received.size() > 0) {
      ctx.response().putHeader("Range", "bytes=0-" + (received.size() - 1));
    }
    ctx.response().putHeader("X-GUploader-UploadID", id).setStatusCode(308).end();
  }

  private static byte[] media(byte[] bytes) {
    Mailboxes.requireSize(bytes);
    return bytes;
  }
}
