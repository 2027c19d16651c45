package dev.mailgate.loadgen;

import dev.mailgate.proto.v1.MailServiceGrpcClient;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WatchTenantFilter;
import dev.mailgate.proto.v1.WatchTenantRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * WatchTenant streams of one tenant, filtered to MESSAGE_ADDED (heartbeats and RESYNC_REQUIRED
 * come anyway), each counting what it received. Streams are spread over several HTTP/2
 * connections ({@value #STREAMS_PER_CLIENT} per gRPC client), as separate consumers would hold
 * them, so one connection's stream limit does not queue them.
 */
final class EventStreams implements AutoCloseable {

  static final int STREAMS_PER_CLIENT = 10;

  private final Vertx vertx;
  private final SocketAddress address;
  private final Tenants.Credentials credentials;
  private final List<GrpcClient> clients = new ArrayList<>();
  private final List<Stream> streams = new ArrayList<>();
  private volatile boolean closing;

  EventStreams(Vertx vertx, String hostPort, Tenants.Credentials credentials) {
    this.vertx = vertx;
    int colon = hostPort.lastIndexOf(':');
    this.address = SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)),
        hostPort.substring(0, colon));
    this.credentials = credentials;
  }

  /** One received event and when it was received (System.nanoTime). */
  record Received(MailboxEvent event, long nanos) {}

  /** One open stream: what it counted, and how it ended (if it did). */
  static final class Stream {
    final AtomicLong messageAdded = new AtomicLong();
    /** Distinct event ids of MESSAGE_ADDED events with a subject of {@link #countedTag}. */
    final Set<String> countedIds = ConcurrentHashMap.newKeySet();
    volatile String countedTag;
    volatile long firstCountedNanos;
    volatile long lastCountedNanos;
    volatile String lastCursor = "";
    volatile String ended;
    /** How often the gateway ended the stream at its maximum age and it was called again from its cursor. */
    final AtomicLong reopened = new AtomicLong();
    private final Consumer<Received> listener;

    Stream(String countedTag, Consumer<Received> listener) {
      this.countedTag = countedTag;
      this.listener = listener;
    }

    private void received(MailboxEvent event) {
      long now = System.nanoTime();
      if (!event.getCursor().isEmpty()) {
        lastCursor = event.getCursor();
      }
      if (event.getType() != MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED) {
        return;
      }
      messageAdded.incrementAndGet();
      String tag = countedTag;
      if (tag != null && DeliveryLedger.tagOf(event.getMessage().getSubject()).filter(tag::equals).isPresent()
          && countedIds.add(event.getEventId())) {
        if (firstCountedNanos == 0) {
          firstCountedNanos = now;
        }
        lastCountedNanos = now;
      }
      if (listener != null) {
        listener.accept(new Received(event, now));
      }
    }

  }

  /** The MESSAGE_ADDED filter every bench stream uses (cursors are bound to the filter). */
  static WatchTenantRequest request(String cursor) {
    return WatchTenantRequest.newBuilder().setCursor(cursor)
        .setFilter(WatchTenantFilter.newBuilder().addTypes(MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED))
        .build();
  }

  /**
   * Opens a stream from {@code cursor} (empty: from when the gateway takes the call; pass a cursor
   * where no event may be missed); {@code listener} (may be null) sees every event, on the stream's event loop.
   */
  synchronized Stream open(String cursor, Consumer<Received> listener) {
    return open(cursor, null, listener);
  }

  /** As {@link #open(String, Consumer)}, counting the events with subjects of {@code tag} from the start. */
  synchronized Stream open(String cursor, String countedTag, Consumer<Received> listener) {
    if (streams.size() % STREAMS_PER_CLIENT == 0) {
      clients.add(GrpcClient.client(vertx, new HttpClientOptions().setHttp2ClearTextUpgrade(false)));
    }
    GrpcClient client = clients.get(clients.size() - 1);
    Stream stream = new Stream(countedTag, listener);
    streams.add(stream);
    call(client, stream, cursor);
    return stream;
  }

  /**
   * Calls WatchTenant for {@code stream}. A stream the gateway ends with OK (its maximum age, 30
   * minutes by default, so that load balancers can rebalance) is called again from the last cursor
   * it received, as a backend does; a long scale run outlives one stream.
   */
  private void call(GrpcClient client, Stream stream, String cursor) {
    client.request(address, MailServiceGrpcClient.WatchTenant).compose(call -> {
      call.headers().set("x-tenant-id", credentials.tenantId()).set("authorization", credentials.authorization());
      return call.send(request(cursor));
    }).onSuccess(response -> {
      response.handler(stream::received);
      response.exceptionHandler(e -> stream.ended = "failed: " + e.getMessage());
      response.end().onComplete(done -> {
        if (stream.ended == null && response.status() == io.vertx.grpc.common.GrpcStatus.OK && !closing) {
          stream.reopened.incrementAndGet();
          call(client, stream, stream.lastCursor.isEmpty() ? cursor : stream.lastCursor);
          return;
        }
        if (stream.ended == null) {
          stream.ended = "ended with " + response.status()
              + (response.statusMessage() == null ? "" : ": " + response.statusMessage());
        }
      });
    }).onFailure(e -> stream.ended = "could not open: " + e.getMessage());
  }

  @Override
  public synchronized void close() {
    closing = true;
    for (GrpcClient client : clients) {
      try {
        client.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    clients.clear();
  }
}
