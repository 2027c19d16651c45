package dev.mailgate.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.server.events.StoredEvent;
import dev.mailgate.server.webhook.EventBodies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Webhook bodies: the event as {@code mailgate.v1.MailboxEvent} in the proto JSON mapping. An event
 * over the size limit first loses its message summary's recipients, subject and snippet, then all of
 * the summary but the ids (the message is fetched through the API), then its label changes.
 */
public final class WebhookBodies implements EventBodies {

  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

  @Override
  public String of(StoredEvent stored, String cursor, int maxBytes) {
    MailboxEvent event = EventProtos.event(stored, cursor);
    String json = print(event);
    if (fits(json, maxBytes) || !event.hasMessage() && !event.hasLabelChanges()) {
      return json;
    }
    MessageSummary message = event.getMessage();
    MailboxEvent smaller = event.toBuilder().setMessage(message.toBuilder().clearTo().clearSubject().clearSnippet()).build();
    json = print(smaller);
    if (fits(json, maxBytes)) {
      return json;
    }
    smaller = event.toBuilder().setMessage(MessageSummary.newBuilder().setConnectionId(message.getConnectionId())
        .setEmailAddress(message.getEmailAddress()).setMessageId(message.getMessageId())
        .setThreadId(message.getThreadId())).build();
    json = print(smaller);
    return fits(json, maxBytes) ? json : print(smaller.toBuilder().clearLabelChanges().clearMessage().build());
  }

  @Override
  public String test(UUID eventId, Instant observeTime) {
    return print(MailboxEvent.newBuilder()
        .setType(MailboxEventType.MAILBOX_EVENT_TYPE_WEBHOOK_TEST)
        .setEventId(eventId.toString())
        .setObserveTime(ProtoTime.of(observeTime))
        .build());
  }

  private static boolean fits(String json, int maxBytes) {
    return json.length() * 3 <= maxBytes || json.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
  }

  private static String print(MessageOrBuilder message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a MailboxEvent has no JSON form", e);
    }
  }
}
