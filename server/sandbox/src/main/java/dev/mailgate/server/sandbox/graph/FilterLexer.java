package dev.mailgate.server.sandbox.graph;

import java.util.ArrayList;
import java.util.List;

/** Splits an OData {@code $filter} into tokens: words and paths, quoted strings, bare literals, punctuation. */
final class FilterLexer {

  enum Kind { WORD, STRING, LITERAL, OPEN, CLOSE, COMMA, COLON, END }

  /** A token and where it starts, for error messages. */
  record Token(Kind kind, String text, int position) {

    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }
  }

  private FilterLexer() {}

  static List<Token> tokens(String filter) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < filter.length()) {
      char c = filter.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(' || c == ')' || c == ',' || c == ':') {
        Kind kind = c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : c == ',' ? Kind.COMMA : Kind.COLON;
        tokens.add(new Token(kind, String.valueOf(c), i++));
      } else if (c == '\'') {
        int start = i;
        StringBuilder value = new StringBuilder();
        i++;
        while (true) {
          if (i >= filter.length()) {
            throw syntaxError(filter, start);
          }
          char d = filter.charAt(i);
          if (d == '\'' && i + 1 < filter.length() && filter.charAt(i + 1) == '\'') {
            value.append('\'');
            i += 2;
          } else if (d == '\'') {
            i++;
            break;
          } else {
            value.append(d);
            i++;
          }
        }
        tokens.add(new Token(Kind.STRING, value.toString(), start));
      } else if (Character.isDigit(c) || (c == '-' && i + 1 < filter.length() && isDigitAt(filter, i + 1))) {
        int start = i;
        i = scan(filter, i + 1, ":.+-");
        tokens.add(new Token(Kind.LITERAL, filter.substring(start, i), start));
      } else if (Character.isLetter(c) || c == '_' || c == '$' || c == '@') {
        int start = i;
        i = scan(filter, i + 1, "_/$@.");
        tokens.add(new Token(Kind.WORD, filter.substring(start, i), start));
      } else {
        throw syntaxError(filter, i);
      }
    }
    tokens.add(new Token(Kind.END, "", filter.length()));
    return tokens;
  }

  private static boolean isDigitAt(String s, int i) {
    return Character.isDigit(s.charAt(i));
  }

  /** The end of the run of letters, digits and {@code extra} characters that starts at {@code from}. */
  private static int scan(String s, int from, String extra) {
    int i = from;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || extra.indexOf(s.charAt(i)) >= 0)) {
      i++;
    }
    return i;
  }

  static GraphException syntaxError(String filter, int position) {
    return GraphException.badRequest("Invalid filter clause: Syntax error at position " + position + " in '"
        + filter + "'.");
  }
}
