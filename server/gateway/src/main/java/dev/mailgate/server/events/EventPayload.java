package dev.mailgate.server.events;

import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.store.ConnectionStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code payload} column of an event: its message summary, label changes and new status, as JSON. */
final class EventPayload {

  private EventPayload() {}

  static JsonObject of(NewEvent event) {
    JsonObject payload = new JsonObject();
    event.message().ifPresent(m -> payload.put("message", new JsonObject()
        .put("messageId", m.messageId()).put("threadId", m.threadId())
        .put("from", address(m.from()))
        .put("to", new JsonArray(m.to().stream().map(EventPayload::address).toList()))
        .put("subject", m.subject()).put("snippet", m.snippet())
        .put("labelIds", new JsonArray(m.labelIds()))
        .put("receiveTime", m.receiveTime() == null ? null : m.receiveTime().toString())
        .put("hasAttachments", m.hasAttachments())));
    event.labels().ifPresent(l -> payload.put("labels", new JsonObject()
        .put("added", new JsonArray(l.added())).put("removed", new JsonArray(l.removed()))));
    event.status().ifPresent(s -> payload.put("status", s.name()));
    return payload;
  }

  static Optional<MessageSummary> message(JsonObject payload) {
    JsonObject m = payload.getJsonObject("message");
    if (m == null) {
      return Optional.empty();
    }
    String received = m.getString("receiveTime");
    return Optional.of(new MessageSummary(m.getString("messageId", ""), m.getString("threadId", ""),
        address(m.getJsonObject("from")), m.getJsonArray("to", new JsonArray()).stream()
            .map(a -> address((JsonObject) a)).toList(),
        m.getString("subject", ""), m.getString("snippet", ""), strings(m.getJsonArray("labelIds")),
        received == null ? null : Instant.parse(received), m.getBoolean("hasAttachments", false)));
  }

  static Optional<LabelChanges> labels(JsonObject payload) {
    JsonObject l = payload.getJsonObject("labels");
    return l == null ? Optional.empty()
        : Optional.of(new LabelChanges(strings(l.getJsonArray("added")), strings(l.getJsonArray("removed"))));
  }

  static Optional<ConnectionStatus> status(JsonObject payload) {
    return Optional.ofNullable(payload.getString("status")).map(ConnectionStatus::valueOf);
  }

  private static JsonObject address(MailAddress address) {
    return address == null ? null : new JsonObject().put("address", address.address()).put("name", address.name());
  }

  private static MailAddress address(JsonObject address) {
    return address == null ? null : new MailAddress(address.getString("address", ""), address.getString("name", ""));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
