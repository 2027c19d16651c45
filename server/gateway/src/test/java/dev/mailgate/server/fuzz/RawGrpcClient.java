package dev.mailgate.server.fuzz;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A gRPC client at the HTTP/2 frame level (Netty, h2c with prior knowledge, header validation
 * off): it sends whatever header bytes and body bytes it is given — NUL, CR/LF, bytes above 0x7F
 * that grpc-java's {@code Metadata} and Vert.x's client both refuse — and reports what came
 * back: a gRPC status, an HTTP status, a stream reset or a closed connection.
 */
final class RawGrpcClient implements AutoCloseable {

  /** One request header; the value is raw bytes, sent as they are. */
  record Header(String name, byte[] value) {
    static Header of(String name, String value) {
      return new Header(name, value.getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  /** How an outcome starts when this client's own HTTP/2 encoder refused the headers (nothing was sent). */
  static final String CLIENT_REFUSED = "the client could not send the headers: ";

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final int port;
  private Channel connection;

  RawGrpcClient(int port) {
    this.port = port;
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

  private synchronized Channel connection() throws InterruptedException {
    if (connection == null || !connection.isActive()) {
      connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().validateHeaders(false).build(),
                  new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
          })
          .connect("127.0.0.1", port).sync().channel();
    }
    return connection;
  }

  /**
   * Calls {@code path} (/package.Service/Method) with these headers and this body and waits at most
   * {@code timeout}. A server-streaming call still open a second after its first data counts as
   * {@link Outcome.Kind#OPEN_STREAM}.
   */
  Outcome call(String path, List<Header> headers, byte[] body, Duration timeout, boolean serverStreams) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    Http2StreamChannel stream;
    try {
      stream = new Http2StreamChannelBootstrap(connection()).handler(new Answer(result, serverStreams))
          .open().sync().getNow();
    } catch (Exception e) {
      return Outcome.transport("could not open a stream: " + e);
    }
    Http2Headers request = new DefaultHttp2Headers(false)
        .method("POST").scheme("http").path(path).authority("127.0.0.1:" + port);
    request.add("content-type", "application/grpc");
    request.add("te", "trailers");
    for (Header header : headers) {
      request.add(AsciiString.of(header.name()), new AsciiString(header.value()));
    }
    stream.write(new DefaultHttp2HeadersFrame(request, false)).addListener(f -> {
      if (!f.isSuccess()) {
        result.complete(Outcome.transport(CLIENT_REFUSED + f.cause()));
      }
    });
    stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Outcome.timedOut(timeout);
    } catch (Exception e) {
      return Outcome.transport(e.toString());
    } finally {
      stream.close();
    }
  }

  /** Collects one stream's response headers, data and trailers. */
  private final class Answer extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Outcome> result;
    private final boolean serverStreams;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private Http2Headers headers;

    Answer(CompletableFuture<Outcome> result, boolean serverStreams) {
      this.result = result;
      this.serverStreams = serverStreams;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object frame) {
      try {
        if (frame instanceof Http2HeadersFrame headersFrame) {
          if (headers == null) {
            headers = headersFrame.headers();
            if (headersFrame.isEndStream()) {
              finish(new DefaultHttp2Headers());
            }
          } else {
            finish(headersFrame.headers());
          }
        } else if (frame instanceof Http2DataFrame dataFrame) {
          byte[] bytes = new byte[dataFrame.content().readableBytes()];
          dataFrame.content().readBytes(bytes);
          boolean first = data.size() == 0;
          data.writeBytes(bytes);
          if (serverStreams && first) {
            context.executor().schedule(() -> result.complete(Outcome.openStream(data.toByteArray())), 1, TimeUnit.SECONDS);
          }
          if (dataFrame.isEndStream()) {
            finish(new DefaultHttp2Headers());
          }
        } else if (frame instanceof Http2ResetFrame reset) {
          result.complete(Outcome.transport("stream reset with HTTP/2 error code " + reset.errorCode()));
        }
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }

    private void finish(Http2Headers trailers) {
      int status = headers.status() == null ? 0 : Integer.parseInt(headers.status().toString());
      result.complete(Outcome.of(status, multiMap(headers), multiMap(trailers), data.toByteArray()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      result.complete(Outcome.transport("stream closed without an answer"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      result.complete(Outcome.transport(cause.toString()));
    }
  }

  /** The headers by lower-case name; the first of repeated names wins. */
  private static Map<String, String> multiMap(Http2Headers headers) {
    Map<String, String> map = new java.util.HashMap<>();
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      map.putIfAbsent(header.getKey().toString().toLowerCase(java.util.Locale.ROOT), header.getValue().toString());
    }
    return map;
  }

  @Override
  public void close() throws Exception {
    if (connection != null) {
      connection.close().sync();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
