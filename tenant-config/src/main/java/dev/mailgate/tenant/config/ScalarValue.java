package dev.mailgate.tenant.config;

/**
 * A scalar from a tenant file after {@code ${VAR}} substitution.
 *
 * @param text            the substituted text
 * @param fromEnvironment whether any part came from a variable (or its default); such values are
 *                        never repeated in error messages
 */
record ScalarValue(String text, boolean fromEnvironment) {

  /** Suffix for an error message that tells what the value was, unless it must stay unsaid. */
  String was() {
    return fromEnvironment ? " (value comes from an environment variable)" : " (was " + text + ")";
  }
}
