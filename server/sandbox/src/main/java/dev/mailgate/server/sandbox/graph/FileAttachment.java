package dev.mailgate.server.sandbox.graph;

import java.time.Instant;

/**
 * A {@code #microsoft.graph.fileAttachment} of a message: its bytes, name and type, and whether
 * it is shown inline in the body (then {@code contentId} is what the HTML's {@code cid:} names).
 */
record FileAttachment(String id, String name, String contentType, byte[] bytes, boolean inline, String contentId,
    Instant lastModified) {

  static final String ODATA_TYPE = "#microsoft.graph.fileAttachment";
}
