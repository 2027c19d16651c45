package dev.mailgate.server.api.mcp;

import dev.mailgate.proto.v1.CheckConnectionRequest;
import dev.mailgate.proto.v1.ConnectionServiceGrpcClient;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.GetAttachmentRequest;
import dev.mailgate.proto.v1.GetMessageRequest;
import dev.mailgate.proto.v1.GetThreadRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListDraftsRequest;
import dev.mailgate.proto.v1.ListLabelsRequest;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.MailServiceGrpcClient;
import dev.mailgate.proto.v1.ModifyMessageRequest;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SendDraftRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.TrashMessageRequest;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The MCP tools: Mailgate's mail operations for one user, as the agent token allows them. */
final class MailTools {

  private static final String CONNECTION = "\"connection_id\":{\"type\":\"string\",\"description\":"
      + "\"A connection id from list_connections.\"}";
  private static final String ANY_CONNECTION = "\"connection_id\":{\"type\":\"string\",\"description\":"
      + "\"A connection id from list_connections, or '-' (the default) for all of them.\"}";
  private static final String MESSAGE = "\"message_id\":{\"type\":\"string\",\"description\":\"A message id from search_messages.\"}";
  private static final String PAGE = "\"page_size\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000},"
      + "\"page_token\":{\"type\":\"string\",\"description\":\"The next_page_token of the previous page.\"}";
  private static final String ADDRESSES = "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"format\":\"email\"}}";
  private static final String CONTENT = "\"to\":" + ADDRESSES + ",\"cc\":" + ADDRESSES + ",\"bcc\":" + ADDRESSES
      + ",\"subject\":{\"type\":\"string\"},\"text_body\":{\"type\":\"string\"},\"html_body\":{\"type\":\"string\"},"
      + "\"reply_to_message_id\":{\"type\":\"string\",\"description\":\"The message this one answers, to keep the thread.\"}";
  private static final String REQUEST_ID = "\"request_id\":{\"type\":\"string\",\"description\":"
      + "\"An idempotency key you choose (1-128 characters); repeating it never sends twice.\"}";
  private static final List<String> CONTENT_FIELDS = List.of("to", "cc", "bcc", "subject", "text_body", "html_body",
      "reply_to_message_id");

  private MailTools() {}

  static List<MailTool<?, ?>> all(McpJsonMapper json) {
    return List.of(
        new MailTool<>(tool(json, "list_connections", "List the mailboxes this token may use.", true, false, PAGE),
            ConnectionServiceGrpcClient.ListConnections, ListConnectionsRequest::newBuilder, same()),
        new MailTool<>(tool(json, "check_connection", "Check that a mailbox still works (its credentials are valid).",
            true, false, CONNECTION, "connection_id"),
            ConnectionServiceGrpcClient.CheckConnection, CheckConnectionRequest::newBuilder, same()),
        new MailTool<>(tool(json, "search_messages", "Search one mailbox or all of them with the provider's query "
                + "syntax (for example 'from:ada is:unread'); newest first.", true, false,
            ANY_CONNECTION + ",\"query\":{\"type\":\"string\"},\"label_ids\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + PAGE),
            MailServiceGrpcClient.SearchMessages, SearchMessagesRequest::newBuilder, allConnectionsByDefault()),
        new MailTool<>(tool(json, "get_message", "Read one message: headers, text and HTML bodies, attachment list.",
            true, false, CONNECTION + "," + MESSAGE + ",\"view\":{\"type\":\"string\",\"enum\":[\"metadata\",\"full\",\"raw\"]}",
            "connection_id", "message_id"),
            MailServiceGrpcClient.GetMessage, GetMessageRequest::newBuilder, MailTools::view),
        new MailTool<>(tool(json, "get_thread", "Read a whole conversation.", true, false,
            CONNECTION + ",\"thread_id\":{\"type\":\"string\"}", "connection_id", "thread_id"),
            MailServiceGrpcClient.GetThread, GetThreadRequest::newBuilder, same()),
        new MailTool<>(tool(json, "get_attachment", "Download one attachment (data is base64).", true, false,
            CONNECTION + "," + MESSAGE + ",\"attachment_id\":{\"type\":\"string\"}", "connection_id", "message_id",
            "attachment_id"),
            MailServiceGrpcClient.GetAttachment, GetAttachmentRequest::newBuilder, same()),
        new MailTool<>(tool(json, "send_message", "Send a message. Idempotent: the same request_id with the same "
                + "content returns the first send's result and never sends twice.", false, true,
            CONNECTION + "," + REQUEST_ID + "," + CONTENT, "connection_id", "request_id", "to"),
            MailServiceGrpcClient.SendMessage, SendMessageRequest::newBuilder, MailTools::content),
        new MailTool<>(tool(json, "create_draft", "Save a draft without sending it.", false, false,
            CONNECTION + "," + CONTENT, "connection_id"),
            MailServiceGrpcClient.CreateDraft, CreateDraftRequest::newBuilder, MailTools::content),
        new MailTool<>(tool(json, "list_drafts", "List the mailbox's drafts.", true, false, CONNECTION + "," + PAGE,
            "connection_id"),
            MailServiceGrpcClient.ListDrafts, ListDraftsRequest::newBuilder, same()),
        new MailTool<>(tool(json, "send_draft", "Send a saved draft (idempotent by request_id).", false, true,
            CONNECTION + ",\"draft_id\":{\"type\":\"string\"}," + REQUEST_ID, "connection_id", "draft_id", "request_id"),
            MailServiceGrpcClient.SendDraft, SendDraftRequest::newBuilder, same()),
        new MailTool<>(tool(json, "list_labels", "List the mailbox's labels or folders, with unread counts.", true,
            false, CONNECTION, "connection_id"),
            MailServiceGrpcClient.ListLabels, ListLabelsRequest::newBuilder, same()),
        new MailTool<>(tool(json, "modify_labels", "Add or remove labels (remove UNREAD marks a message read).", false,
            false, CONNECTION + "," + MESSAGE + ",\"add_label_ids\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "\"remove_label_ids\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}", "connection_id", "message_id"),
            MailServiceGrpcClient.ModifyMessage, ModifyMessageRequest::newBuilder, same()),
        new MailTool<>(tool(json, "archive_message", "Archive a message (take it out of the inbox).", false, false,
            CONNECTION + "," + MESSAGE, "connection_id", "message_id"),
            MailServiceGrpcClient.ModifyMessage, ModifyMessageRequest::newBuilder, arguments -> {
              arguments.put("remove_label_ids", List.of("INBOX"));
              return arguments;
            }),
        new MailTool<>(tool(json, "trash_message", "Move a message to the trash.", false, true,
            CONNECTION + "," + MESSAGE, "connection_id", "message_id"),
            MailServiceGrpcClient.TrashMessage, TrashMessageRequest::newBuilder, same()),
        new MailTool<>(tool(json, "list_mailbox_events", "Read what changed (new mail, label changes, deletions) "
                + "after a cursor; pass the returned next_cursor next time. An empty cursor starts from now.", true, false,
            ANY_CONNECTION + ",\"cursor\":{\"type\":\"string\"},\"page_size\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}"),
            MailServiceGrpcClient.ListMailboxEvents, ListMailboxEventsRequest::newBuilder, allConnectionsByDefault()));
  }

  private static McpSchema.Tool tool(McpJsonMapper json, String name, String description, boolean readOnly,
      boolean destructive, String properties, String... required) {
    return McpSchema.Tool.builder()
        .name(name)
        .description(description)
        .inputSchema(MailTool.schema(json, properties, required))
        .annotations(new McpSchema.ToolAnnotations(null, readOnly, destructive, readOnly, true, null))
        .build();
  }

  private static UnaryOperator<Map<String, Object>> same() {
    return arguments -> arguments;
  }

  private static UnaryOperator<Map<String, Object>> allConnectionsByDefault() {
    return arguments -> {
      arguments.putIfAbsent("connection_id", "-");
      return arguments;
    };
  }

  private static Map<String, Object> view(Map<String, Object> arguments) {
    if (arguments.get("view") instanceof String view) {
      arguments.put("view", "MESSAGE_VIEW_" + view.toUpperCase(Locale.ROOT));
    }
    return arguments;
  }

  /** Moves the message fields into {@code content}, addresses as {@code {address}} objects. */
  private static Map<String, Object> content(Map<String, Object> arguments) {
    Map<String, Object> content = new HashMap<>();
    for (String field : CONTENT_FIELDS) {
      Object value = arguments.remove(field);
      if (value instanceof List<?> addresses) {
        List<Object> objects = new ArrayList<>();
        addresses.forEach(address -> objects.add(address instanceof String text ? Map.of("address", text) : address));
        value = objects;
      }
      if (value != null) {
        content.put(field, value);
      }
    }
    arguments.put("content", content);
    return arguments;
  }
}
