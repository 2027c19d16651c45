package dev.mailgate.client.example;

import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches all of a user's mailboxes the way a trigger service should: it saves the cursor of
 * every event it has handled (and of every heartbeat), resumes from the saved cursor after a
 * disconnect or a restart, and drops the duplicates at-least-once delivery may bring with one
 * comparison: an event whose {@code sequence} is not above the last one handled for its connection.
 *
 * <pre>
 * ResumableWatch watch = new ResumableWatch(channel, "acme", apiKey, cursors);
 * watch.run("alice", event -> startWorkflow(event), 100);   // returns after 100 events
 * </pre>
 */
public final class ResumableWatch {

  /**
   * Where the watcher keeps its place: the last cursor and, per connection, the last sequence
   * handled. Save both with the work an event caused (in the same transaction, ideally).
   */
  public static final class Progress {
    private String cursor = "";
    private final Map<String, Long> lastSequence = new HashMap<>();

    public String cursor() {
      return cursor;
    }
  }

  private final MailServiceGrpc.MailServiceBlockingStub mail;
  private final Progress progress;

  public ResumableWatch(Channel channel, String tenantId, String apiKey, Progress progress) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER), tenantId);
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
    this.mail = MailServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.progress = progress;
  }

  /**
   * Handles the user's new events until {@code count} were handled, reconnecting from the saved
   * cursor whenever the stream ends (the gateway ends streams after their maximum age, or a node
   * goes away). A RESYNC_REQUIRED is handed over like any event: the handler re-lists that mailbox.
   */
  public void run(String userId, Consumer<MailboxEvent> handler, int count) {
    int handled = 0;
    while (handled < count) {
      try (Context.CancellableContext call = Context.current().withCancellation()) {
        Context previous = call.attach();
        try {
          Iterator<MailboxEvent> events = mail.watchMailbox(WatchMailboxRequest.newBuilder()
              .setUserId(userId).setConnectionId("-").setCursor(progress.cursor).build());
          while (handled < count && events.hasNext()) {
            MailboxEvent event = events.next();
            if (event.getType() != MailboxEventType.MAILBOX_EVENT_TYPE_HEARTBEAT && isNew(event)) {
              handler.accept(event);
              handled++;
            }
            progress.cursor = event.getCursor();
          }
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.UNAVAILABLE && e.getStatus().getCode() != Status.Code.CANCELLED) {
            throw e; // a refused call (bad cursor, unknown user): reconnecting will not help
          }
        } finally {
          call.detach(previous);
        }
      }
    }
  }

  /** Records the event's sequence; false for one already handled (a redelivery). */
  private boolean isNew(MailboxEvent event) {
    if (event.getConnectionId().isEmpty() || event.getSequence() == 0) {
      return true; // an event about no single connection's log (a cursor older than the retention)
    }
    Long last = progress.lastSequence.get(event.getConnectionId());
    if (last != null && event.getSequence() <= last) {
      return false;
    }
    progress.lastSequence.put(event.getConnectionId(), event.getSequence());
    return true;
  }
}
