package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.HtmlText;
import java.util.regex.Pattern;

/**
 * The body conversions Exchange makes when a client asks for the other format
 * ({@code Prefer: outlook.body-content-type}), and the plain text of {@code bodyPreview}.
 */
final class BodyText {

  private static final int PREVIEW_LENGTH = 255;
  private static final Pattern INVISIBLE = HtmlText.elements("style", "script", "head", "title");
  private static final Pattern LINE_BREAK = Pattern.compile("(?i)<br\\s*/?>|</(p|div|tr|li|h[1-6])\\s*>");

  private BodyText() {}

  /** The text of an HTML body: markup out, entities in, line breaks where blocks ended. */
  static String toText(String html) {
    String text = HtmlText.text(LINE_BREAK.matcher(html).replaceAll("\n"), INVISIBLE, "");
    text = text.replace("\r\n", "\n").replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n");
    return text.strip();
  }

  /** A text body as Exchange serves it in HTML. */
  static String fromText(String text) {
    String lines = HtmlText.escape(text).replace("\r\n", "\n").replace("\n", "<br>\r\n");
    return "<html><head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n"
        + "<body>\r\n<div>" + lines + "</div>\r\n</body>\r\n</html>\r\n";
  }

  /** The first 255 characters of the body's text, white space collapsed. */
  static String preview(GraphMessage.Body body) {
    String text = body.asText().replaceAll("\\s+", " ").strip();
    return text.length() > PREVIEW_LENGTH ? text.substring(0, PREVIEW_LENGTH) : text;
  }
}
