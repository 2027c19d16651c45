package dev.mailgate.server.events;

import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The client side of one event stream: what it received, how it ended, and a way to cancel it. */
final class Watcher<Req> implements ClientResponseObserver<Req, MailboxEvent> {

  final LinkedBlockingQueue<MailboxEvent> received = new LinkedBlockingQueue<>();
  /** Completes with null (OK) or the error the stream ended with. */
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<Req> call;

  @Override
  public void beforeStart(ClientCallStreamObserver<Req> requestStream) {
    call = requestStream;
  }

  @Override
  public void onNext(MailboxEvent value) {
    received.add(value);
  }

  @Override
  public void onError(Throwable t) {
    ended.complete(t);
  }

  @Override
  public void onCompleted() {
    ended.complete(null);
  }

  void cancel() {
    call.cancel("the test is done", null);
  }

  /** The next event of a type other than HEARTBEAT, waiting at most {@code seconds}; null if none came. */
  MailboxEvent nextChange(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      MailboxEvent event = received.poll(50, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() != MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT) {
        return event;
      }
    }
    return null;
  }

  /** The next {@code count} events that are not heartbeats (fewer if they did not come in time). */
  List<MailboxEvent> changes(int count, int seconds) throws InterruptedException {
    List<MailboxEvent> events = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (events.size() < count && System.nanoTime() < deadline) {
      MailboxEvent event = received.poll(50, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() != MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT) {
        events.add(event);
      }
    }
    return events;
  }

  /** Waits for a heartbeat (which also proves the stream has started reading). */
  MailboxEvent heartbeat(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      MailboxEvent event = received.poll(50, TimeUnit.MILLISECONDS);
      if (event != null && event.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT) {
        return event;
      }
    }
    return null;
  }
}
