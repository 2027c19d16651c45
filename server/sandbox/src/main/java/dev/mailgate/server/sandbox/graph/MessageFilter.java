package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.FilterLexer.Kind;
import dev.mailgate.server.sandbox.graph.FilterLexer.Token;
import dev.mailgate.server.sandbox.graph.FilterProperties.Property;
import dev.mailgate.server.sandbox.graph.FilterProperties.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An OData {@code $filter} over messages, the part of it Graph's mail API takes: comparisons
 * ({@code eq ne gt ge lt le}) of a property with a literal ({@code 'string'}, {@code true},
 * {@code null}, bare {@code 2026-01-01T00:00:00Z}), {@code contains/startswith/endswith},
 * {@code any} over categories and recipients, joined with {@code and}, {@code or}, {@code not}
 * and parentheses. It remembers which properties it names, in order, for Graph's rule on
 * {@code $filter} with {@code $orderby}.
 */
final class MessageFilter {

  private static final Object NULL = new Object();
  private static final Map<String, String> OPERATORS = Map.of("eq", "Equal", "ne", "NotEqual", "gt", "GreaterThan",
      "ge", "GreaterThanOrEqual", "lt", "LessThan", "le", "LessThanOrEqual");

  private final String text;
  private final List<Token> tokens;
  private final List<String> properties = new ArrayList<>();
  private int next;

  private MessageFilter(String text) {
    this.text = text;
    this.tokens = FilterLexer.tokens(text);
  }

  /** A filter that matches the messages {@code $filter} describes; 400 for one Graph would not take. */
  static Predicate<GraphMessage> parse(String filter, List<String> namedProperties) {
    MessageFilter parser = new MessageFilter(filter);
    Predicate<GraphMessage> predicate = parser.or();
    if (parser.peek().kind() != Kind.END) {
      throw parser.syntaxError();
    }
    namedProperties.addAll(parser.properties);
    return predicate;
  }

  private Predicate<GraphMessage> or() {
    Predicate<GraphMessage> left = and();
    while (peek().isWord("or")) {
      next++;
      left = left.or(and());
    }
    return left;
  }

  private Predicate<GraphMessage> and() {
    Predicate<GraphMessage> left = unary();
    while (peek().isWord("and")) {
      next++;
      left = left.and(unary());
    }
    return left;
  }

  private Predicate<GraphMessage> unary() {
    if (peek().isWord("not")) {
      next++;
      return unary().negate();
    }
    if (peek().kind() == Kind.OPEN) {
      next++;
      Predicate<GraphMessage> inner = or();
      expect(Kind.CLOSE);
      return inner;
    }
    Token word = expect(Kind.WORD);
    String lower = word.text().toLowerCase(Locale.ROOT);
    if (peek().kind() == Kind.OPEN) {
      if (lower.equals("contains") || lower.equals("startswith") || lower.equals("endswith")) {
        return function(lower);
      }
      if (lower.endsWith("/any")) {
        return any(word.text().substring(0, word.text().length() - 4));
      }
      throw syntaxError();
    }
    return comparison(word.text());
  }

  private Predicate<GraphMessage> comparison(String path) {
    Property property = FilterProperties.property(path);
    remember(property.name());
    String operator = operator();
    Object literal = literal(property.type(), operator);
    return m -> test(property.type(), operator, property.value().apply(m), literal);
  }

  private Predicate<GraphMessage> function(String name) {
    expect(Kind.OPEN);
    Property property = FilterProperties.property(expect(Kind.WORD).text());
    remember(property.name());
    expect(Kind.COMMA);
    String wanted = expect(Kind.STRING).text().toLowerCase(Locale.ROOT);
    expect(Kind.CLOSE);
    if (property.type() != Type.STRING && property.type() != Type.ID) {
      throw GraphException.badRequest("Invalid filter clause: No function signature for the function with name '"
          + name + "' matches the specified arguments.");
    }
    return m -> {
      Object value = property.value().apply(m);
      String s = value == null ? "" : value.toString().toLowerCase(Locale.ROOT);
      return name.equals("contains") ? s.contains(wanted) : name.equals("startswith") ? s.startsWith(wanted)
          : s.endsWith(wanted);
    };
  }

  /** {@code categories/any(c:c eq 'Red')}, {@code toRecipients/any(r:r/emailAddress/address eq 'x')}. */
  private Predicate<GraphMessage> any(String path) {
    FilterProperties.Collection collection = FilterProperties.collection(path)
        .orElseThrow(() -> GraphException.unknownProperty(path));
    remember(collection.name());
    expect(Kind.OPEN);
    String variable = expect(Kind.WORD).text();
    expect(Kind.COLON);
    String member = expect(Kind.WORD).text();
    String operator = operator();
    Object literal = literal(Type.STRING, operator);
    expect(Kind.CLOSE);
    String field = member.equalsIgnoreCase(variable) ? ""
        : member.substring(member.indexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (!member.toLowerCase(Locale.ROOT).startsWith(variable.toLowerCase(Locale.ROOT))
        || !(field.isEmpty() || field.equals("emailaddress/address") || field.equals("emailaddress/name"))) {
      throw GraphException.unknownProperty(member);
    }
    return m -> collection.elements().apply(m).stream().anyMatch(element -> {
      Object value = element instanceof Recipient r ? (field.endsWith("name") ? r.name() : r.address()) : element;
      return test(Type.STRING, operator, value, literal);
    });
  }

  private static boolean test(Type type, String operator, Object value, Object literal) {
    if (literal == NULL) {
      return operator.equals("eq") == (value == null);
    }
    if (value == null) {
      return operator.equals("ne");
    }
    int c = FilterProperties.compare(type, value, literal);
    return switch (operator) {
      case "eq" -> c == 0;
      case "ne" -> c != 0;
      case "gt" -> c > 0;
      case "ge" -> c >= 0;
      case "lt" -> c < 0;
      default -> c <= 0;
    };
  }

  private String operator() {
    Token token = expect(Kind.WORD);
    String operator = token.text().toLowerCase(Locale.ROOT);
    if (!OPERATORS.containsKey(operator)) {
      next--;
      throw syntaxError();
    }
    return operator;
  }

  /** The literal after an operator, checked against the property's type as OData checks it. */
  private Object literal(Type type, String operator) {
    Token token = peek();
    next++;
    Object value;
    String edm;
    if (token.kind() == Kind.STRING) {
      value = token.text();
      edm = "Edm.String";
    } else if (token.isWord("true") || token.isWord("false")) {
      value = Boolean.parseBoolean(token.text().toLowerCase(Locale.ROOT));
      edm = "Edm.Boolean";
    } else if (token.isWord("null")) {
      return NULL;
    } else if (token.kind() == Kind.LITERAL) {
      value = dateTime(token.text());
      edm = value == null ? "Edm.Int32" : "Edm.DateTimeOffset";
    } else {
      next--;
      throw syntaxError();
    }
    boolean compatible = switch (type) {
      case BOOLEAN -> value instanceof Boolean;
      case STRING, ID -> value instanceof String;
      case DATE_TIME -> value instanceof Instant;
    };
    if (!compatible) {
      throw GraphException.badRequest("Invalid filter clause: A binary operator with incompatible types was detected. "
          + "Found operand types '" + type.edm + "' and '" + edm + "' for operator kind '" + OPERATORS.get(operator)
          + "'.");
    }
    return value;
  }

  private static Instant dateTime(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notADateTime) {
      try {
        return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  private void remember(String property) {
    if (!properties.contains(property)) {
      properties.add(property);
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token expect(Kind kind) {
    Token token = peek();
    if (token.kind() != kind) {
      throw syntaxError();
    }
    next++;
    return token;
  }

  private GraphException syntaxError() {
    return FilterLexer.syntaxError(text, peek().position());
  }
}
