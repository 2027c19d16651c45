package dev.mailgate.server.sandbox.gmail;

import java.util.regex.Pattern;

/** Just enough HTML handling for snippets and search: markup out, entities in, and Gmail's snippet escaping. */
final class HtmlText {

  private static final Pattern INVISIBLE = Pattern.compile("(?is)<(style|script|head)[^>]*>.*?</\\1\\s*>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

  private HtmlText() {}

  static String strip(String html) {
    String text = TAG.matcher(INVISIBLE.matcher(html).replaceAll(" ")).replaceAll(" ");
    return text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
  }

  /** Escapes the way Gmail's snippets are escaped ({@code &#39;} for an apostrophe). */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
