package dev.mailgate.server.sandbox.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@code $search} over messages in the KQL subset a gateway sends: {@code "from:x to:y
 * subject:z words"}. Terms are ANDed ({@code AND} may be written), {@code OR} joins neighbours;
 * {@code from: to: cc: bcc: participants: subject: body: attachment:} and
 * {@code hasattachment(s):true|false} match case-insensitively by substring, and a free word or
 * {@code "phrase"} matches subject, body, sender, recipients or attachment names.
 */
final class MessageSearch {

  private MessageSearch() {}

  static Predicate<GraphMessage> parse(String search) {
    String query = search.strip();
    if (query.length() >= 2 && query.startsWith("\"") && query.endsWith("\"")) {
      query = query.substring(1, query.length() - 1);
    }
    query = query.replace("\\\"", "\"");
    List<List<Predicate<GraphMessage>>> clauses = new ArrayList<>();
    boolean or = false;
    for (String token : tokens(query)) {
      if (token.equals("OR")) {
        or = !clauses.isEmpty();
        continue;
      }
      if (token.equals("AND")) {
        continue;
      }
      Predicate<GraphMessage> term = term(token);
      if (or) {
        clauses.get(clauses.size() - 1).add(term);
      } else {
        clauses.add(new ArrayList<>(List.of(term)));
      }
      or = false;
    }
    return m -> clauses.stream().allMatch(clause -> clause.stream().anyMatch(term -> term.test(m)));
  }

  private static Predicate<GraphMessage> term(String token) {
    int colon = token.indexOf(':');
    String property = colon > 0 ? token.substring(0, colon).toLowerCase(Locale.ROOT) : "";
    String value = unquote(colon > 0 ? token.substring(colon + 1) : token).toLowerCase(Locale.ROOT);
    return switch (property) {
      case "from" -> m -> contains(value, m.from == null ? Stream.empty() : Stream.of(m.from));
      case "to" -> m -> contains(value, m.to.stream());
      case "cc" -> m -> contains(value, m.cc.stream());
      case "bcc" -> m -> contains(value, m.bcc.stream());
      case "participants" -> m -> contains(value,
          Stream.concat(m.from == null ? Stream.empty() : Stream.of(m.from), m.allRecipients().stream()));
      case "subject" -> m -> m.subject.toLowerCase(Locale.ROOT).contains(value);
      case "body" -> m -> m.body.asText().toLowerCase(Locale.ROOT).contains(value);
      case "attachment" -> m -> m.attachments.stream().anyMatch(a -> a.name().toLowerCase(Locale.ROOT).contains(value));
      case "hasattachment", "hasattachments" -> m -> m.hasAttachments() == value.equals("true");
      default -> {
        String word = unquote(token).toLowerCase(Locale.ROOT);
        yield m -> searchableText(m).contains(word);
      }
    };
  }

  private static boolean contains(String value, Stream<Recipient> recipients) {
    return recipients.anyMatch(r -> r.address().toLowerCase(Locale.ROOT).contains(value)
        || r.name().toLowerCase(Locale.ROOT).contains(value));
  }

  private static String searchableText(GraphMessage m) {
    Function<Recipient, String> text = r -> r.name() + " " + r.address();
    return Stream.of(Stream.of(m.subject, m.body.asText()),
            Stream.concat(m.from == null ? Stream.empty() : Stream.of(m.from), m.allRecipients().stream()).map(text),
            m.attachments.stream().map(FileAttachment::name))
        .flatMap(s -> s).collect(Collectors.joining("\n")).toLowerCase(Locale.ROOT);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  /** Splits on white space, keeping {@code "quoted phrases"} (and {@code op:"quoted phrases"}) whole. */
  private static List<String> tokens(String query) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < query.length()) {
      if (Character.isWhitespace(query.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < query.length() && !Character.isWhitespace(query.charAt(i))) {
        if (query.charAt(i) == '"') {
          int close = query.indexOf('"', i + 1);
          i = close < 0 ? query.length() : close + 1;
        } else {
          i++;
        }
      }
      tokens.add(query.substring(start, i));
    }
    return tokens;
  }
}
