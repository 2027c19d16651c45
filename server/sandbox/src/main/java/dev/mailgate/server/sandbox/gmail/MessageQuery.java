package dev.mailgate.server.sandbox.gmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Gmail's search language ({@code q}), the part of it a gateway uses: terms are ANDed, {@code OR}
 * joins neighbours, {@code -} negates; {@code from: to: cc: bcc: subject: label: in: is: has:
 * category: filename: rfc822msgid: after: before: older: newer: newer_than: older_than: larger:
 * smaller: size:}, quoted phrases and free words (case-insensitive, against subject, addresses,
 * body text and attachment names). Unknown operators are free text, as in Gmail.
 */
final class MessageQuery {

  /** What a term is checked against. */
  record Target(StoredMessage message, LabelSet labels, String mailbox, long now) {

    boolean has(String labelId) {
      return message.labels().contains(labelId);
    }
  }

  private static final List<String> SPAM_TRASH_TERMS = List.of("in:anywhere", "in:trash", "in:spam", "label:trash",
      "label:spam", "is:trash", "is:spam");

  private final List<List<Predicate<Target>>> clauses;
  private final boolean reachesSpamAndTrash;

  private MessageQuery(List<List<Predicate<Target>>> clauses, boolean reachesSpamAndTrash) {
    this.clauses = clauses;
    this.reachesSpamAndTrash = reachesSpamAndTrash;
  }

  static MessageQuery parse(String q) {
    List<List<Predicate<Target>>> clauses = new ArrayList<>();
    boolean spamTrash = false;
    boolean or = false;
    for (String token : tokens(q == null ? "" : q)) {
      if (token.equals("OR") || token.equals("|")) {
        or = !clauses.isEmpty();
        continue;
      }
      if (token.equals("AND")) {
        continue;
      }
      boolean negated = token.length() > 1 && token.startsWith("-");
      String body = negated ? token.substring(1) : token;
      spamTrash |= !negated && SPAM_TRASH_TERMS.contains(body.toLowerCase(Locale.ROOT));
      Predicate<Target> term = QueryTerms.term(body);
      term = negated ? term.negate() : term;
      if (or) {
        clauses.get(clauses.size() - 1).add(term);
      } else {
        clauses.add(new ArrayList<>(List.of(term)));
      }
      or = false;
    }
    return new MessageQuery(clauses, spamTrash);
  }

  /** Whether the query itself asks for spam or trash ({@code in:trash}, {@code in:anywhere}, …). */
  boolean reachesSpamAndTrash() {
    return reachesSpamAndTrash;
  }

  boolean matches(Target target) {
    for (List<Predicate<Target>> clause : clauses) {
      if (clause.stream().noneMatch(term -> term.test(target))) {
        return false;
      }
    }
    return true;
  }

  /** Splits on white space, keeping {@code "quoted phrases"} and {@code op:(grouped words)} whole. */
  static List<String> tokens(String q) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < q.length()) {
      if (Character.isWhitespace(q.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < q.length() && !Character.isWhitespace(q.charAt(i))) {
        char c = q.charAt(i);
        if (c == '"' || c == '(') {
          int close = q.indexOf(c == '"' ? '"' : ')', i + 1);
          i = close < 0 ? q.length() : close + 1;
        } else {
          i++;
        }
      }
      tokens.add(q.substring(start, i));
    }
    return tokens;
  }

  /** A term's value without its quotes or parentheses. */
  static String unwrap(String value) {
    if (value.length() >= 2 && ((value.startsWith("\"") && value.endsWith("\""))
        || (value.startsWith("(") && value.endsWith(")")))) {
      return value.substring(1, value.length() - 1).trim();
    }
    return value.startsWith("\"") || value.startsWith("(") ? value.substring(1).trim() : value;
  }

  static Optional<String> operator(String token) {
    int colon = token.indexOf(':');
    if (colon <= 0 || colon == token.length() - 1) {
      return Optional.empty();
    }
    String op = token.substring(0, colon).toLowerCase(Locale.ROOT);
    return op.matches("[a-z][a-z0-9_]*") ? Optional.of(op) : Optional.empty();
  }
}
