package dev.mailgate.server.api;

import com.google.protobuf.ByteString;
import dev.mailgate.proto.v1.Attachment;
import dev.mailgate.proto.v1.AttachmentInfo;
import dev.mailgate.proto.v1.Draft;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.Header;
import dev.mailgate.proto.v1.Label;
import dev.mailgate.proto.v1.LabelType;
import dev.mailgate.proto.v1.Message;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.proto.v1.OutgoingAttachment;
import dev.mailgate.proto.v1.Thread;
import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.mail.ThreadDetail;
import dev.mailgate.server.store.ConnectionRecord;
import java.util.List;

/** Mail domain records to and from mailgate.v1 messages. */
final class MailProtos {

  private MailProtos() {}

  static MessageSummary summary(ConnectionRecord connection, dev.mailgate.server.mail.MessageSummary summary) {
    return summary(connection.id(), connection.emailAddress(), summary);
  }

  static MessageSummary summary(java.util.UUID connectionId, String emailAddress,
      dev.mailgate.server.mail.MessageSummary summary) {
    MessageSummary.Builder proto = MessageSummary.newBuilder()
        .setConnectionId(connectionId.toString())
        .setEmailAddress(emailAddress)
        .setMessageId(summary.messageId())
        .setThreadId(summary.threadId())
        .addAllTo(addresses(summary.to()))
        .setSubject(summary.subject())
        .setSnippet(summary.snippet())
        .addAllLabelIds(summary.labelIds())
        .setHasAttachments(summary.hasAttachments());
    // A deleted message's event knows only its ids.
    if (summary.from() != null) {
      proto.setFrom(address(summary.from()));
    }
    if (summary.receiveTime() != null) {
      proto.setReceiveTime(ProtoTime.of(summary.receiveTime()));
    }
    return proto.build();
  }

  static Message message(ConnectionRecord connection, MessageDetail detail) {
    return Message.newBuilder()
        .setSummary(summary(connection, detail.summary()))
        .addAllHeaders(detail.headers().stream().map(h -> Header.newBuilder().setName(h.name()).setValue(h.value()).build()).toList())
        .addAllCc(addresses(detail.cc()))
        .addAllBcc(addresses(detail.bcc()))
        .setTextBody(detail.textBody())
        .setHtmlBody(detail.htmlBody())
        .addAllAttachments(detail.attachments().stream().map(a -> AttachmentInfo.newBuilder()
            .setAttachmentId(a.attachmentId()).setFilename(a.filename()).setMimeType(a.mimeType())
            .setSizeBytes(a.sizeBytes()).setContentId(a.contentId()).build()).toList())
        .setRaw(ByteString.copyFrom(detail.raw()))
        .setRfc822MessageId(detail.rfc822MessageId())
        .build();
  }

  static Attachment attachment(AttachmentData data) {
    return Attachment.newBuilder().setAttachmentId(data.attachmentId()).setFilename(data.filename())
        .setMimeType(data.mimeType()).setData(ByteString.copyFrom(data.data())).build();
  }

  static Thread thread(ConnectionRecord connection, ThreadDetail thread) {
    return Thread.newBuilder().setThreadId(thread.threadId()).setConnectionId(connection.id().toString())
        .addAllMessages(thread.messages().stream().map(m -> message(connection, m)).toList()).build();
  }

  static Draft draft(ConnectionRecord connection, DraftDetail draft) {
    return Draft.newBuilder().setDraftId(draft.draftId()).setConnectionId(connection.id().toString())
        .setContent(content(draft.content())).setMessageId(draft.messageId()).setThreadId(draft.threadId())
        .setUpdateTime(ProtoTime.of(draft.updateTime())).build();
  }

  static Label label(LabelInfo label) {
    return Label.newBuilder().setLabelId(label.labelId()).setName(label.name())
        .setType(label.system() ? LabelType.LABEL_TYPE_SYSTEM : LabelType.LABEL_TYPE_USER)
        .setUnreadCount(label.unreadCount()).setTotalCount(label.totalCount()).build();
  }

  static MessageContent content(OutgoingMessage message) {
    return MessageContent.newBuilder()
        .addAllTo(addresses(message.to())).addAllCc(addresses(message.cc())).addAllBcc(addresses(message.bcc()))
        .setSubject(message.subject()).setTextBody(message.textBody()).setHtmlBody(message.htmlBody())
        .addAllAttachments(message.attachments().stream().map(a -> OutgoingAttachment.newBuilder()
            .setFilename(a.filename()).setMimeType(a.mimeType()).setData(ByteString.copyFrom(a.data()))
            .setContentId(a.contentId()).build()).toList())
        .setReplyToMessageId(message.replyToMessageId())
        .build();
  }

  static OutgoingMessage outgoing(MessageContent content) {
    return new OutgoingMessage(mailAddresses(content.getToList()), mailAddresses(content.getCcList()),
        mailAddresses(content.getBccList()), content.getSubject(), content.getTextBody(), content.getHtmlBody(),
        content.getAttachmentsList().stream().map(a -> new dev.mailgate.server.mail.OutgoingAttachment(
            a.getFilename(), a.getMimeType(), a.getData().toByteArray(), a.getContentId())).toList(),
        content.getReplyToMessageId());
  }

  private static List<MailAddress> mailAddresses(List<EmailAddress> addresses) {
    return addresses.stream().map(a -> new MailAddress(a.getAddress(), a.getName())).toList();
  }

  private static EmailAddress address(MailAddress address) {
    return EmailAddress.newBuilder().setAddress(address.address()).setName(address.name()).build();
  }

  private static List<EmailAddress> addresses(List<MailAddress> addresses) {
    return addresses.stream().map(MailProtos::address).toList();
  }
}
