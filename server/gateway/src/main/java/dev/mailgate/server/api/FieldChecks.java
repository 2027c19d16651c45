package dev.mailgate.server.api;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects every invalid field of a request, then fails once with INVALID_ARGUMENT + BadRequest. */
final class FieldChecks {

  /** Longer than any id a provider hands out (Gmail attachment ids are the longest, a few hundred). */
  static final int MAX_PROVIDER_ID = 4096;

  private static final Pattern USER_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]{1,255}");

  private final List<FieldViolation> violations = new ArrayList<>();

  /** A caller's user id: 1 to 128 printable ASCII characters without spaces. */
  FieldChecks userId(String field, String value) {
    if (value.isEmpty()) {
      violations.add(new FieldViolation(field, "is required"));
    } else if (!USER_ID.matcher(value).matches()) {
      violations.add(new FieldViolation(field, "must be 1 to 128 printable ASCII characters without spaces"));
    }
    return this;
  }

  FieldChecks required(String field, String value) {
    if (value.isBlank()) {
      violations.add(new FieldViolation(field, "is required"));
    }
    return this;
  }

  /**
   * A provider's id (message, thread, draft, attachment, label), which the provider puts into a
   * URL or a command: required, at most {@value #MAX_PROVIDER_ID} characters, no control characters.
   */
  FieldChecks providerId(String field, String value) {
    if (value.isBlank()) {
      violations.add(new FieldViolation(field, "is required"));
    } else {
      optionalProviderId(field, value);
    }
    return this;
  }

  /** A provider's id, if one is given (see {@link #providerId}). */
  FieldChecks optionalProviderId(String field, String value) {
    if (value.length() > MAX_PROVIDER_ID) {
      violations.add(new FieldViolation(field, "must be at most " + MAX_PROVIDER_ID + " characters"));
    } else if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      violations.add(new FieldViolation(field, "must not contain control characters"));
    }
    return this;
  }

  /** Every id of a repeated field, each named {@code field[i]}. */
  FieldChecks providerIds(String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      providerId(field + "[" + i + "]", values.get(i));
    }
    return this;
  }

  /** An email address, if one is given. */
  FieldChecks optionalEmail(String field, String value) {
    if (!value.isEmpty() && !EMAIL.matcher(value).matches()) {
      violations.add(new FieldViolation(field, "must be an email address such as ada@example.com"));
    }
    return this;
  }

  /** A required email address. */
  FieldChecks email(String field, String value) {
    if (value.isEmpty()) {
      violations.add(new FieldViolation(field, "is required"));
    } else {
      optionalEmail(field, value);
    }
    return this;
  }

  /** A list call's page size: never negative ({@link PageSize} says what the other values mean). */
  FieldChecks pageSize(int value) {
    if (value < 0) {
      violations.add(new FieldViolation("page_size", "must not be negative"));
    }
    return this;
  }

  /** Adds a violation found elsewhere (for example by a page token decoder). */
  FieldChecks add(FieldViolation violation) {
    violations.add(violation);
    return this;
  }

  /** Throws INVALID_ARGUMENT listing every violation, if there is any. */
  void orThrow() {
    if (!violations.isEmpty()) {
      throw GatewayException.invalid(violations);
    }
  }
}
