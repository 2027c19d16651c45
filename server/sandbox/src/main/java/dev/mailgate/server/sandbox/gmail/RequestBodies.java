package dev.mailgate.server.sandbox.gmail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Request bodies as Google's clients send them: often gzip-compressed (the Java client compresses
 * every body unless told not to), and JSON whose {@code raw} string may be tens of megabytes,
 * beyond the default Jackson string limit Vert.x uses.
 */
final class RequestBodies {

  /** Body limit of the sandbox routes: a 35 MB message as base64url JSON fits. */
  static final long BODY_LIMIT = 64L * 1024 * 1024;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength((int) BODY_LIMIT * 2).build())
      .build();

  private RequestBodies() {}

  /** The body bytes, decompressed if the client gzipped them. */
  static byte[] bytes(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    String encoding = ctx.request().getHeader("content-encoding");
    if (encoding == null || !encoding.toLowerCase().contains("gzip") || bytes.length == 0) {
      return bytes;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      byte[] plain = in.readNBytes((int) BODY_LIMIT + 1);
      if (plain.length > BODY_LIMIT) {
        throw GmailException.tooLarge();
      }
      return plain;
    } catch (IOException corrupt) {
      throw GmailException.invalidArgument("Invalid gzip request body");
    }
  }

  /** The body as a JSON object; empty if there is no body. */
  static JsonObject json(RoutingContext ctx) {
    return json(bytes(ctx));
  }

  static JsonObject json(byte[] bytes) {
    if (bytes.length == 0) {
      return new JsonObject();
    }
    try (JsonParser parser = JSON.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw invalid();
      }
      return (JsonObject) value(parser, first);
    } catch (IOException malformed) {
      throw invalid();
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        JsonObject object = new JsonObject();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String name = parser.currentName();
          object.put(name, value(parser, parser.nextToken()));
        }
        yield object;
      }
      case START_ARRAY -> {
        JsonArray array = new JsonArray();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          array.add(value(parser, t));
        }
        yield array;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw invalid();
    };
  }

  private static GmailException invalid() {
    return GmailException.invalidArgument("Invalid JSON payload received.");
  }
}
