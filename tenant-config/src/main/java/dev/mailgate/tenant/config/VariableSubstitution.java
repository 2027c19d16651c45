package dev.mailgate.tenant.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a scalar with environment values.
 * As in a POSIX shell, the default applies when the variable is unset or empty; a variable without
 * default that is unset is an error.
 */
final class VariableSubstitution {

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
  private static final String START = "${";

  /** Either the substituted value or an error message (which never contains a value). */
  record Result(ScalarValue value, String error) {
  }

  private VariableSubstitution() {
  }

  static Result apply(String text, Function<String, String> environment) {
    if (!text.contains(START)) {
      return new Result(new ScalarValue(text, false), null);
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    List<String> unset = new ArrayList<>();
    int literalStart = 0;
    while (matcher.find()) {
      String literal = text.substring(literalStart, matcher.start());
      if (literal.contains(START)) {
        return malformed();
      }
      out.append(literal).append(valueOf(matcher, environment, unset));
      literalStart = matcher.end();
    }
    String tail = text.substring(literalStart);
    if (tail.contains(START)) {
      return malformed();
    }
    out.append(tail);
    if (unset.size() == 1) {
      return new Result(null, "environment variable " + unset.get(0) + " is not set (no default given)");
    }
    if (!unset.isEmpty()) {
      return new Result(null,
          "environment variables " + String.join(", ", unset) + " are not set (no default given)");
    }
    return new Result(new ScalarValue(out.toString(), true), null);
  }

  private static String valueOf(Matcher reference, Function<String, String> environment,
      List<String> unset) {
    String name = reference.group(1);
    String value = environment.apply(name);
    boolean hasDefault = reference.group(2) != null;
    if (hasDefault && (value == null || value.isEmpty())) {
      return reference.group(3);
    }
    if (value == null) {
      unset.add(name);
      return "";
    }
    return value;
  }

  private static Result malformed() {
    return new Result(null, "malformed variable reference; use ${NAME} or ${NAME:-default}");
  }
}
