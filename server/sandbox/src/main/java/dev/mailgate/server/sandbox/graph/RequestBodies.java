package dev.mailgate.server.sandbox.graph;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Request bodies as Graph reads them: JSON, or for sendMail and message creation the base64
 * MIME of Graph's MIME format ({@code Content-Type: text/plain}). Graph takes at most 4 MB a request.
 */
final class RequestBodies {

  /** Graph's limit for one request; larger attachments need an upload session. */
  static final long BODY_LIMIT = 4L * 1024 * 1024;

  private RequestBodies() {}

  static byte[] bytes(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  /** The body as a JSON object; 400 if there is none or it is not JSON. */
  static JsonObject json(RoutingContext ctx) {
    byte[] bytes = bytes(ctx);
    if (bytes.length == 0) {
      throw GraphException.badRequest("Empty Payload. JSON content expected.");
    }
    return parse(bytes);
  }

  /** The body as a JSON object, empty when there is no body (actions whose parameters are all optional). */
  static JsonObject optionalJson(RoutingContext ctx) {
    byte[] bytes = bytes(ctx);
    return bytes.length == 0 ? new JsonObject() : parse(bytes);
  }

  private static JsonObject parse(byte[] bytes) {
    try {
      return new JsonObject(Buffer.buffer(bytes));
    } catch (DecodeException | ClassCastException malformed) {
      throw GraphException.badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set "
          + "and payload is of valid JSON format.");
    }
  }

  /** Whether the client sent MIME ({@code text/plain}) rather than JSON. */
  static boolean isMime(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/plain");
  }

  /** The MIME message a {@code text/plain} body carries as base64. */
  static byte[] mime(RoutingContext ctx) {
    String base64 = new String(bytes(ctx), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
    if (base64.isEmpty()) {
      throw new GraphException(400, "ErrorMimeContentInvalid", "The MIME content is empty.");
    }
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException malformed) {
      throw new GraphException(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
    }
  }
}
