package dev.mailgate.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * Holds the answer to an {@code Upgrade: h2c} request until the client has sent its HTTP/2
 * connection preface.
 *
 * <p>Vert.x 5.0.7 answers the upgraded request (stream 1) as soon as it has written {@code 101
 * Switching Protocols}, so the client reads the 101, the server's SETTINGS and up to a whole
 * flow-control window (65,535 bytes) of the answer in one go, before it has sent its own preface.
 * That is allowed (RFC 7540 §3.2; RFC 9113 deprecates the upgrade), but common clients mishandle
 * it once the answer is larger than their buffer: curl 7.88 gives up ("connection buffer size is
 * too small to store data following HTTP Upgrade response header") and hangs, and JDK 17's
 * {@code HttpClient} now and then misreads the frames ("Frame type(123) ... exceeds
 * MAX_FRAME_SIZE"). Small answers fit and work. With the answer sent only once the client's
 * preface has arrived, the client reads the 101 and the SETTINGS alone and both work.
 *
 * <p>Only cleartext HTTP/2 requests on stream 1 of a connection whose client preface has not yet
 * arrived are concerned: HTTP/1.1, TLS (ALPN) and prior-knowledge h2c (gRPC) pass untouched. What
 * is held is bounded by HTTP/2 flow control (one connection window, until the client's
 * WINDOW_UPDATE, which comes after its preface) and is released or freed when the connection
 * closes. It reaches the Netty pipeline through Vert.x's {@link ConnectionBase}, an
 * implementation class: on a Vert.x upgrade, H2cUpgradeTest says whether it still engages (and
 * whether it is still needed).
 */
final class H2cUpgradeHold extends ChannelDuplexHandler {

  private final ArrayDeque<Object> messages = new ArrayDeque<>();
  private final ArrayDeque<ChannelPromise> promises = new ArrayDeque<>();
  private boolean released;

  private H2cUpgradeHold() {}

  /** {@code handler}, holding the answer to an h2c upgrade request until the client's preface. */
  static Handler<HttpServerRequest> around(Handler<HttpServerRequest> handler) {
    return request -> {
      if (request.version() == HttpVersion.HTTP_2 && request.streamId() == 1 && !request.isSSL()) {
        installIfAwaitingPreface(request);
      }
      handler.handle(request);
    };
  }

  private static void installIfAwaitingPreface(HttpServerRequest request) {
    if (!(request.connection() instanceof ConnectionBase connection)) {
      return;
    }
    ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
    ChannelHandlerContext http2 = pipeline.context(Http2ConnectionHandler.class);
    if (http2 != null && !((Http2ConnectionHandler) http2.handler()).decoder().prefaceReceived()
        && pipeline.get(H2cUpgradeHold.class) == null) {
      // Between the HTTP/2 handler and the socket: it sees the answer's frames on their way out
      // and the client's first bytes (its preface) on their way in.
      pipeline.addBefore(http2.name(), null, new H2cUpgradeHold());
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (released) {
      ctx.write(msg, promise);
    } else {
      messages.add(msg);
      promises.add(promise);
    }
  }

  /** The client's preface: the first bytes it sends after the 101. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      release(ctx);
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }

  private void release(ChannelHandlerContext ctx) {
    released = true;
    while (!messages.isEmpty()) {
      ctx.write(messages.poll(), promises.poll());
    }
    ctx.flush();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (released) {
      return;
    }
    released = true;
    if (ctx.channel().isActive()) {
      release(ctx);
      return;
    }
    while (!messages.isEmpty()) {
      ReferenceCountUtil.release(messages.poll());
      promises.poll().tryFailure(new ClosedChannelException());
    }
  }
}
