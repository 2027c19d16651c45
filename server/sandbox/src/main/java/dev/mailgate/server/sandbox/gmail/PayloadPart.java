package dev.mailgate.server.sandbox.gmail;

import java.util.List;
import java.util.Optional;

/**
 * One node of a message's MIME tree as Gmail's {@code MessagePart} shows it: {@code partId} is
 * {@code ""} at the top, then {@code 0}, {@code 1}, {@code 1.0}…; multipart nodes have no body;
 * leaves carry their transfer-decoded bytes, served inline or, for attachments, by attachment id.
 */
record PayloadPart(String partId, String mimeType, String filename, List<Header> headers, byte[] body,
    boolean attachment, List<PayloadPart> parts) {

  /** A header line, unfolded and with RFC 2047 words decoded. */
  record Header(String name, String value) {}

  PayloadPart {
    headers = List.copyOf(headers);
    parts = List.copyOf(parts);
  }

  Optional<PayloadPart> find(String id) {
    if (partId.equals(id)) {
      return Optional.of(this);
    }
    for (PayloadPart child : parts) {
      Optional<PayloadPart> found = child.find(id);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  boolean hasAttachment() {
    return attachment || parts.stream().anyMatch(PayloadPart::hasAttachment);
  }

  void collectFilenames(List<String> into) {
    if (!filename.isEmpty()) {
      into.add(filename);
    }
    parts.forEach(child -> child.collectFilenames(into));
  }
}
