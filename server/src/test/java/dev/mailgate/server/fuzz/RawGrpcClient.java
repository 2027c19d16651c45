package dev.mailgate.server.fuzz;

import io.netty.util.AsciiString;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A gRPC client at the HTTP/2 level (h2c with prior knowledge): it sends whatever header bytes and
 * body bytes it is given, which grpc-java's {@code Metadata} and marshallers never would, and
 * reports what came back: a gRPC status, an HTTP status, a stream reset or a closed connection.
 */
final class RawGrpcClient implements AutoCloseable {

  /** One request header; the value is raw bytes (Latin-1 on the wire, not validated here). */
  record Header(String name, byte[] value) {
    static Header of(String name, String value) {
      return new Header(name, value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;

  RawGrpcClient(int port) {
    client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(port), new PoolOptions().setHttp2MaxSize(2));
  }

  /** A gRPC length-prefixed message: flag byte, 4-byte big-endian length, the bytes. */
  static byte[] frame(byte[] message) {
    return frame(0, message.length, message);
  }

  static byte[] frame(int flag, int declaredLength, byte[] message) {
    byte[] framed = new byte[5 + message.length];
    framed[0] = (byte) flag;
    framed[1] = (byte) (declaredLength >>> 24);
    framed[2] = (byte) (declaredLength >>> 16);
    framed[3] = (byte) (declaredLength >>> 8);
    framed[4] = (byte) declaredLength;
    System.arraycopy(message, 0, framed, 5, message.length);
    return framed;
  }

  /**
   * Calls {@code path} (/package.Service/Method) with these headers and this body and waits at most
   * {@code timeout}. A server-streaming call that has sent data and is still open when the time is
   * up counts as {@link Outcome#streaming()}.
   */
  Outcome call(String path, List<Header> headers, byte[] body, Duration timeout, boolean serverStreams) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    CompletableFuture<HttpClientRequest> sent = new CompletableFuture<>();
    Buffer data = Buffer.buffer();
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)).onComplete(ar -> {
      if (ar.failed()) {
        result.complete(Outcome.transport("request failed: " + ar.cause()));
        return;
      }
      HttpClientRequest request = ar.result();
      sent.complete(request);
      request.putHeader("content-type", "application/grpc");
      request.putHeader("te", "trailers");
      for (Header header : headers) {
        request.headers().add(header.name(), new AsciiString(header.value()));
      }
      request.response().onComplete(response -> {
        if (response.failed()) {
          result.complete(Outcome.transport(describe(response.cause())));
          return;
        }
        var answer = response.result();
        answer.handler(chunk -> {
          if (serverStreams && data.length() == 0) {
            vertx.setTimer(1000, t -> {
              if (result.complete(Outcome.openStream(data.getBytes()))) {
                sent.thenAccept(HttpClientRequest::reset);
              }
            });
          }
          data.appendBuffer(chunk);
        });
        answer.exceptionHandler(e -> result.complete(Outcome.transport(describe(e))));
        answer.endHandler(end -> result.complete(Outcome.of(answer.statusCode(), answer.headers(), answer.trailers(),
            data.getBytes())));
      });
      request.exceptionHandler(e -> result.complete(Outcome.transport(describe(e))));
      request.end(Buffer.buffer(body));
    });
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      sent.thenAccept(request -> request.reset());
      return data.length() > 0 ? Outcome.openStream(data.getBytes()) : Outcome.timedOut(timeout);
    } catch (Exception e) {
      return Outcome.transport(describe(e));
    }
  }

  private static String describe(Throwable error) {
    if (error instanceof StreamResetException reset) {
      return "stream reset with HTTP/2 error code " + reset.getCode();
    }
    return error.toString();
  }

  @Override
  public void close() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
