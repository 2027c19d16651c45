package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.gmail.MessageQuery.Target;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

/** The single terms of {@link MessageQuery}. */
final class QueryTerms {

  /** Gmail reads dates in search terms as midnight Pacific time. */
  private static final ZoneId GMAIL_ZONE = ZoneId.of("America/Los_Angeles");
  private static final List<DateTimeFormatter> DATES = List.of(DateTimeFormatter.ofPattern("yyyy/M/d"),
      DateTimeFormatter.ofPattern("yyyy-M-d"), DateTimeFormatter.ofPattern("M/d/yyyy"));

  private QueryTerms() {}

  static Predicate<Target> term(String token) {
    Optional<String> op = MessageQuery.operator(token);
    if (op.isEmpty()) {
      return freeText(MessageQuery.unwrap(token));
    }
    String raw = token.substring(token.indexOf(':') + 1);
    String value = MessageQuery.unwrap(raw).toLowerCase(Locale.ROOT);
    boolean grouped = raw.startsWith("(");
    Predicate<Target> known = switch (op.get()) {
      case "from" -> t -> address(t, value, t.message().parsed().from(), t.message().parsed().fromAddress());
      case "to" -> t -> address(t, value, t.message().parsed().to(), t.message().parsed().cc(),
          t.message().parsed().bcc());
      case "cc" -> t -> address(t, value, t.message().parsed().cc());
      case "bcc" -> t -> address(t, value, t.message().parsed().bcc());
      case "subject" -> t -> words(t.message().parsed().subject().toLowerCase(Locale.ROOT), value, grouped);
      case "label" -> t -> t.labels().resolveForQuery(value).map(t::has).orElse(false);
      case "category" -> label("CATEGORY_" + (value.equals("primary") ? "PERSONAL" : value.toUpperCase(Locale.ROOT)));
      case "in" -> in(value);
      case "is" -> is(value);
      case "has" -> has(value);
      case "filename" -> t -> t.message().parsed().filenames().stream()
          .anyMatch(name -> name.toLowerCase(Locale.ROOT).contains(value));
      case "rfc822msgid" -> t -> stripBrackets(t.message().parsed().messageIdHeader()).equalsIgnoreCase(stripBrackets(value));
      case "after", "newer" -> instant(value).<Predicate<Target>>map(at -> t -> t.message().internalDate() >= at).orElse(null);
      case "before", "older" -> instant(value).<Predicate<Target>>map(at -> t -> t.message().internalDate() < at).orElse(null);
      case "newer_than" -> ago(value).<Predicate<Target>>map(ago -> t -> t.message().internalDate() > ago.applyAsLong(t.now()))
          .orElse(null);
      case "older_than" -> ago(value).<Predicate<Target>>map(ago -> t -> t.message().internalDate() < ago.applyAsLong(t.now()))
          .orElse(null);
      case "larger", "size" -> bytes(value).<Predicate<Target>>map(n -> t -> t.message().raw().length > n).orElse(null);
      case "smaller" -> bytes(value).<Predicate<Target>>map(n -> t -> t.message().raw().length < n).orElse(null);
      default -> null;
    };
    return known != null ? known : freeText(MessageQuery.unwrap(token));
  }

  private static Predicate<Target> freeText(String phrase) {
    String wanted = phrase.toLowerCase(Locale.ROOT);
    return t -> {
      ParsedMessage p = t.message().parsed();
      return String.join("\n", p.subject(), p.from(), p.to(), p.cc(), p.snippet(), String.join(" ", p.filenames()))
          .toLowerCase(Locale.ROOT).contains(wanted) || p.text().contains(wanted);
    };
  }

  private static boolean address(Target t, String value, String... headers) {
    String wanted = value.equals("me") ? t.mailbox() : value;
    return Arrays.stream(headers).anyMatch(h -> h.toLowerCase(Locale.ROOT).contains(wanted));
  }

  private static boolean words(String haystack, String value, boolean grouped) {
    return grouped ? Arrays.stream(value.split("\\s+")).allMatch(haystack::contains) : haystack.contains(value);
  }

  private static Predicate<Target> label(String id) {
    return t -> t.has(id);
  }

  private static Predicate<Target> in(String value) {
    return switch (value) {
      case "anywhere" -> t -> true;
      case "inbox", "sent", "trash", "spam", "starred", "important", "unread" -> label(value.toUpperCase(Locale.ROOT));
      case "draft", "drafts" -> label(LabelSet.DRAFT);
      case "chats" -> label("CHAT");
      default -> t -> t.labels().resolveForQuery(value).map(t::has).orElse(false);
    };
  }

  private static Predicate<Target> is(String value) {
    return switch (value) {
      case "unread" -> label(LabelSet.UNREAD);
      case "read" -> label(LabelSet.UNREAD).negate();
      case "starred" -> label(LabelSet.STARRED);
      case "important" -> label(LabelSet.IMPORTANT);
      case "draft" -> label(LabelSet.DRAFT);
      case "trash" -> label(LabelSet.TRASH);
      case "spam" -> label(LabelSet.SPAM);
      default -> null;
    };
  }

  private static Predicate<Target> has(String value) {
    return switch (value) {
      case "attachment" -> t -> t.message().parsed().hasAttachment();
      case "userlabels" -> t -> t.message().labels().stream().anyMatch(id -> id.startsWith("Label_"));
      case "nouserlabels" -> t -> t.message().labels().stream().noneMatch(id -> id.startsWith("Label_"));
      case "star" -> label(LabelSet.STARRED);
      default -> null;
    };
  }

  /** Epoch seconds, or a date at midnight Pacific time. */
  static Optional<Long> instant(String value) {
    if (value.matches("\\d{9,}")) {
      return Optional.of(Long.parseLong(value) * 1000);
    }
    for (DateTimeFormatter format : DATES) {
      try {
        return Optional.of(LocalDate.parse(value, format).atStartOfDay(GMAIL_ZONE).toInstant().toEpochMilli());
      } catch (DateTimeParseException notThisShape) {
        // next shape
      }
    }
    return Optional.empty();
  }

  /** {@code 3d}, {@code 2m}, {@code 1y}: the epoch millisecond that long before a given "now" (Pacific calendar). */
  private static Optional<LongUnaryOperator> ago(String value) {
    if (!value.matches("\\d+[dmy]")) {
      return Optional.empty();
    }
    long n = Long.parseLong(value.substring(0, value.length() - 1));
    char unit = value.charAt(value.length() - 1);
    return Optional.of(nowMillis -> {
      ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(GMAIL_ZONE);
      ZonedDateTime then = switch (unit) {
        case 'd' -> now.minusDays(n);
        case 'm' -> now.minusMonths(n);
        default -> now.minusYears(n);
      };
      return then.toInstant().toEpochMilli();
    });
  }

  private static Optional<Long> bytes(String value) {
    if (!value.matches("\\d+[km]?")) {
      return Optional.empty();
    }
    char unit = value.charAt(value.length() - 1);
    long scale = unit == 'k' ? 1024 : unit == 'm' ? 1024 * 1024 : 1;
    return Optional.of(Long.parseLong(Character.isDigit(unit) ? value : value.substring(0, value.length() - 1)) * scale);
  }

  private static String stripBrackets(String id) {
    String s = id.trim();
    return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
  }
}
