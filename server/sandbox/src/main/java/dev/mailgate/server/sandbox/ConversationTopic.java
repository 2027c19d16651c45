package dev.mailgate.server.sandbox;

import java.util.Locale;

/**
 * What both providers match conversations on: the subject without its reply and forward
 * prefixes ({@code Re:}, {@code Fw:}, {@code Fwd:}, {@code AW:}, {@code SV:}, {@code WG:}, repeated), lower case.
 */
public final class ConversationTopic {

  private ConversationTopic() {}

  /** The topic of {@code subject} ({@code ""} for null). */
  public static String of(String subject) {
    String s = subject == null ? "" : subject.trim();
    while (true) {
      String lower = s.toLowerCase(Locale.ROOT);
      int colon = s.indexOf(':');
      if (colon > 0 && colon <= 4 && (lower.startsWith("re:") || lower.startsWith("fw:") || lower.startsWith("fwd:")
          || lower.startsWith("aw:") || lower.startsWith("sv:") || lower.startsWith("wg:"))) {
        s = s.substring(colon + 1).trim();
      } else {
        return lower;
      }
    }
  }
}
