package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Gmail-style query in Graph's terms: {@code from:}, {@code to:}, {@code subject:} and free
 * text become a KQL {@code $search}; {@code is:unread}, {@code is:read}, {@code is:starred},
 * {@code has:attachment}, {@code after:}/{@code before:} become {@code $filter} conditions (or,
 * since Graph does not combine {@code $search} with {@code $filter} on messages, checks on the
 * returned page); {@code in:} and {@code label:} pick the folder. Any other operator is
 * INVALID_ARGUMENT naming it.
 */
record GraphQuery(Optional<String> folder, String search, List<Condition> conditions) {

  /** One condition, as OData and as a check on a returned message. */
  record Condition(String odata, Predicate<JsonObject> test) {}

  private static final Pattern TERM = Pattern.compile("(-?)(?:([a-zA-Z]+):)?(\"[^\"]*\"|\\S+)");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/M/d");

  /** The OData {@code $filter}, or empty. */
  String filter() {
    return String.join(" and ", conditions.stream().map(Condition::odata).toList());
  }

  /** Whether a returned message meets every condition (used when {@code $search} is present). */
  boolean accepts(JsonObject message) {
    return conditions.stream().allMatch(c -> c.test().test(message));
  }

  static GraphQuery parse(String query, List<String> labelIds) {
    Optional<String> folder = Optional.empty();
    List<String> kql = new ArrayList<>();
    List<Condition> conditions = new ArrayList<>();
    for (String label : labelIds) {
      switch (label) {
        case "UNREAD" -> conditions.add(unread(true));
        case "STARRED" -> conditions.add(flagged());
        default -> folder = Optional.of(GraphLabels.folderOf(label));
      }
    }
    Matcher matcher = TERM.matcher(query);
    while (matcher.find()) {
      boolean negated = !matcher.group(1).isEmpty();
      String operator = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase();
      String value = matcher.group(3).replaceAll("^\"|\"$", "");
      String term = matcher.group(0);
      if (negated) {
        throw unsupported(term);
      }
      switch (operator) {
        case "" -> kql.add(quote(value));
        case "from", "to", "subject" -> kql.add(operator + ":" + quote(value));
        case "is" -> conditions.add(switch (value.toLowerCase()) {
          case "unread" -> unread(true);
          case "read" -> unread(false);
          case "starred" -> flagged();
          default -> throw unsupported(term);
        });
        case "has" -> {
          if (!value.equalsIgnoreCase("attachment")) {
            throw unsupported(term);
          }
          conditions.add(new Condition("hasAttachments eq true", m -> m.getBoolean("hasAttachments", false)));
        }
        case "after", "before" -> conditions.add(date(operator, value, term));
        case "in", "label" -> folder = Optional.of(value.equalsIgnoreCase("anywhere") ? "" : GraphLabels.folderOf(value));
        default -> throw unsupported(term);
      }
    }
    return new GraphQuery(folder.filter(f -> !f.isEmpty()), String.join(" AND ", kql), List.copyOf(conditions));
  }

  private static Condition unread(boolean unread) {
    return new Condition("isRead eq " + !unread, m -> m.getBoolean("isRead", false) != unread);
  }

  private static Condition flagged() {
    return new Condition("flag/flagStatus eq 'flagged'",
        m -> "flagged".equals(m.getJsonObject("flag", new JsonObject()).getString("flagStatus")));
  }

  private static Condition date(String operator, String value, String term) {
    Instant day;
    try {
      day = LocalDate.parse(value, DAY).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw GatewayException.invalid(List.of(new FieldViolation("query", "dates are YYYY/MM/DD in " + term)));
    }
    boolean after = operator.equals("after");
    return new Condition("receivedDateTime " + (after ? "ge " : "lt ") + day, m -> {
      Instant received = Instant.parse(m.getString("receivedDateTime", "1970-01-01T00:00:00Z"));
      return after ? !received.isBefore(day) : received.isBefore(day);
    });
  }

  private static String quote(String value) {
    return value.contains(" ") ? "\"" + value + "\"" : value;
  }

  private static GatewayException unsupported(String term) {
    return GatewayException.invalid(List.of(new FieldViolation("query",
        "unsupported term " + term + " for Outlook connections (supported: from: to: subject: is:unread is:read "
            + "is:starred has:attachment after: before: in: label: and free text)")));
  }
}
