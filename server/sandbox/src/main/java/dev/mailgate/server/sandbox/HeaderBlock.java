package dev.mailgate.server.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Edits the header section of raw RFC 5322 bytes, leaving the body untouched (both sandboxes deliver with it). */
public final class HeaderBlock {

  private HeaderBlock() {}

  /** The copy delivered to recipients: without its Bcc header. */
  public static byte[] withoutBcc(byte[] raw) {
    return rewrite(raw, Set.of("bcc"), List.of());
  }

  /** Drops the named header fields (lower case, continuation lines included) and puts {@code added} lines first. */
  public static byte[] rewrite(byte[] raw, Set<String> removed, List<String> added) {
    int end = headerEnd(raw);
    String block = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
    String newline = block.contains("\r\n") ? "\r\n" : "\n";
    StringBuilder headers = new StringBuilder();
    added.forEach(line -> headers.append(line).append(newline));
    boolean skipping = false;
    for (String line : block.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
      if (!continuation) {
        int colon = line.indexOf(':');
        skipping = colon > 0 && removed.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT));
      }
      if (!skipping) {
        headers.append(line).append(newline);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + headers.length());
    out.writeBytes(headers.append(newline).toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(raw, end, raw.length - end);
    return out.toByteArray();
  }

  /** The offset just past the blank line that ends the header section, or the length if there is none. */
  private static int headerEnd(byte[] raw) {
    for (int i = 0; i < raw.length - 1; i++) {
      if (raw[i] == '\n' && raw[i + 1] == '\n') {
        return i + 2;
      }
      if (raw[i] == '\n' && raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n') {
        return i + 3;
      }
    }
    return raw.length;
  }
}
