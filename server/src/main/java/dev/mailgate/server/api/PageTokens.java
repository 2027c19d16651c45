package dev.mailgate.server.api;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Opaque page tokens: a kind tag plus the cursor fields, URL-safe base64. A token is only
 * accepted by the list method (and, where the method takes one, the user) it was made for.
 */
final class PageTokens {

  private static final char SEPARATOR = '\u001f';

  private PageTokens() {}

  static String encode(String kind, String... fields) {
    StringBuilder text = new StringBuilder(kind);
    for (String field : fields) {
      text.append(SEPARATOR).append(field);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token of {@code kind} with exactly {@code count} fields, or fails with INVALID_ARGUMENT. */
  static List<String> decode(String token, String kind, int count) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      List<String> parts = split(text);
      if (parts.size() == count + 1 && parts.get(0).equals(kind)) {
        return parts.subList(1, parts.size());
      }
    } catch (IllegalArgumentException notBase64) {
      // falls through to the same answer as any other bad token
    }
    throw invalid();
  }

  static GatewayException invalid() {
    return GatewayException.invalid(List.of(new FieldViolation("page_token",
        "is not a page token returned by this method for these arguments")));
  }

  private static List<String> split(String text) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == SEPARATOR) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    return parts;
  }
}
