package dev.mailgate.server.cors;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC-Web call over HTTP/1.1 with a plain Vert.x {@link HttpClient}, as a browser page makes
 * it: a POST with {@code application/grpc-web+proto} (or {@code -text}, base64) and the given
 * headers, whose answer is the HTTP headers, the response messages and the trailers frame (or,
 * for a trailers-only answer, the gRPC status in the headers).
 */
record GrpcWebCall(int httpStatus, MultiMap headers, List<byte[]> messages, Map<String, String> trailers) {

  static GrpcWebCall post(HttpClient client, int port, String fullMethod, Message request, boolean text,
      Map<String, String> headers) throws Exception {
    byte[] framed = frame(0, request.toByteArray());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/" + fullMethod)
        .putHeader("content-type", text ? "application/grpc-web-text+proto" : "application/grpc-web+proto")
        .putHeader("accept", text ? "application/grpc-web-text" : "application/grpc-web")
        .putHeader("x-grpc-web", "1");
    headers.forEach(options::putHeader);
    Buffer body = Buffer.buffer(text ? Base64.getEncoder().encode(framed) : framed);
    Answer answer = Answer.of(client, options, body);
    byte[] bytes = answer.body().getBytes();
    if (text) {
      bytes = decodeText(new String(bytes, StandardCharsets.US_ASCII).strip());
    }
    return parse(answer.response().statusCode(), answer.response().headers(), bytes);
  }

  /** A response with its whole body, read as it arrived (a body asked for later may be gone). */
  record Answer(HttpClientResponse response, Buffer body) {

    static Answer of(HttpClient client, RequestOptions options, Buffer body) throws Exception {
      return client.request(options)
          .compose(req -> req.send(body).compose(response -> response.body().map(read -> new Answer(response, read))))
          .await(30, TimeUnit.SECONDS);
    }
  }

  private static GrpcWebCall parse(int status, MultiMap headers, byte[] body) {
    List<byte[]> messages = new java.util.ArrayList<>();
    Map<String, String> trailers = new LinkedHashMap<>();
    int at = 0;
    while (at + 5 <= body.length) {
      int flag = body[at] & 0xff;
      int length = ((body[at + 1] & 0xff) << 24) | ((body[at + 2] & 0xff) << 16) | ((body[at + 3] & 0xff) << 8)
          | (body[at + 4] & 0xff);
      byte[] payload = java.util.Arrays.copyOfRange(body, at + 5, at + 5 + length);
      at += 5 + length;
      if ((flag & 0x80) != 0) {
        for (String line : new String(payload, StandardCharsets.US_ASCII).split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            trailers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
          }
        }
      } else {
        messages.add(payload);
      }
    }
    return new GrpcWebCall(status, headers, messages, trailers);
  }

  /** gRPC-Web text: base64 chunks, each padded on its own, so it is decoded four characters at a time. */
  private static byte[] decodeText(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i + 4 <= text.length(); i += 4) {
      out.writeBytes(Base64.getDecoder().decode(text.substring(i, i + 4)));
    }
    return out.toByteArray();
  }

  static byte[] frame(int flag, byte[] message) {
    byte[] framed = new byte[5 + message.length];
    framed[0] = (byte) flag;
    framed[1] = (byte) (message.length >>> 24);
    framed[2] = (byte) (message.length >>> 16);
    framed[3] = (byte) (message.length >>> 8);
    framed[4] = (byte) message.length;
    System.arraycopy(message, 0, framed, 5, message.length);
    return framed;
  }

  /** A trailer, or the same key in the headers (a trailers-only answer). */
  Optional<String> statusField(String name) {
    return Optional.ofNullable(trailers.get(name)).or(() -> Optional.ofNullable(headers.get(name)));
  }

  /** The grpc-status code. */
  int grpcStatus() {
    return Integer.parseInt(statusField("grpc-status").orElseThrow(() -> new AssertionError("no grpc-status in " + this)));
  }

  /** The ErrorInfo reason in grpc-status-details-bin. */
  String reason() throws InvalidProtocolBufferException {
    String details = statusField("grpc-status-details-bin").orElseThrow(() -> new AssertionError("no status details"));
    Status status = Status.parseFrom(Base64.getDecoder().decode(details));
    return status.getDetails(0).unpack(ErrorInfo.class).getReason();
  }
}
