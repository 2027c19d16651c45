package dev.mailgate.server.sandbox;

import java.util.regex.Pattern;

/**
 * Just enough HTML handling for the sandboxes' snippets, previews, search and body conversions:
 * markup out, entities in, and escaping. Each sandbox chooses which elements it hides and what
 * a removed tag leaves behind, as its provider does.
 */
public final class HtmlText {

  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

  private HtmlText() {}

  /** A pattern of the named elements with their content (what a reader never sees, e.g. style and script). */
  public static Pattern elements(String... names) {
    return Pattern.compile("(?is)<(" + String.join("|", names) + ")[^>]*>.*?</\\1\\s*>");
  }

  /**
   * The text of {@code html}: the {@code hidden} elements with their content, then every other
   * tag, each replaced by {@code gap}; then the common entities decoded.
   */
  public static String text(String html, Pattern hidden, String gap) {
    return decodeEntities(TAG.matcher(hidden.matcher(html).replaceAll(gap)).replaceAll(gap));
  }

  /** {@code &nbsp;}, {@code &lt;}, {@code &gt;}, {@code &quot;}, {@code &#39;}, {@code &apos;} and {@code &amp;} decoded. */
  public static String decodeEntities(String text) {
    return text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
  }

  /** Text made safe inside HTML: {@code & < > "} escaped (Exchange's escaping). */
  public static String escape(String text) {
    return escape(text, false);
  }

  /** As {@link #escape}, and an apostrophe as {@code &#39;} (how Gmail's snippets are escaped). */
  public static String escapeWithApostrophes(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean apostrophes) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append(apostrophes ? "&#39;" : "'");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
