package dev.mailgate.server.sandbox.graph;

import java.util.regex.Pattern;

/**
 * The body conversions Exchange makes when a client asks for the other format
 * ({@code Prefer: outlook.body-content-type}), and the plain text of {@code bodyPreview}.
 */
final class HtmlText {

  private static final int PREVIEW_LENGTH = 255;
  private static final Pattern INVISIBLE = Pattern.compile("(?is)<(style|script|head|title)[^>]*>.*?</\\1\\s*>");
  private static final Pattern LINE_BREAK = Pattern.compile("(?i)<br\\s*/?>|</(p|div|tr|li|h[1-6])\\s*>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

  private HtmlText() {}

  /** The text of an HTML body: markup out, entities in, line breaks where blocks ended. */
  static String toText(String html) {
    String text = LINE_BREAK.matcher(INVISIBLE.matcher(html).replaceAll("")).replaceAll("\n");
    text = TAG.matcher(text).replaceAll("");
    text = text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&");
    text = text.replace("\r\n", "\n").replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n");
    return text.strip();
  }

  /** A text body as Exchange serves it in HTML. */
  static String fromText(String text) {
    String lines = escape(text).replace("\r\n", "\n").replace("\n", "<br>\r\n");
    return "<html><head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n"
        + "<body>\r\n<div>" + lines + "</div>\r\n</body>\r\n</html>\r\n";
  }

  /** The first 255 characters of the body's text, white space collapsed. */
  static String preview(GraphMessage.Body body) {
    String text = body.asText().replaceAll("\\s+", " ").strip();
    return text.length() > PREVIEW_LENGTH ? text.substring(0, PREVIEW_LENGTH) : text;
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
