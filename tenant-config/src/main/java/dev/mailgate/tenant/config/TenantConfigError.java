package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem in a tenant file. Messages never contain secret values or values that came from
 * environment variables.
 *
 * @param file    the tenant file (or the directory, for directory-level problems)
 * @param field   dotted path of the offending field, e.g. {@code api_keys[1].sha256}; empty when
 *                the problem concerns the whole file
 * @param message what is wrong
 */
public record TenantConfigError(Path file, String field, String message) {

  public TenantConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** {@code file: field: message}, e.g. {@code tenants/acme.yaml: database.port: must be ...}. */
  @Override
  public String toString() {
    return field.isEmpty() ? file + ": " + message : file + ": " + field + ": " + message;
  }
}
