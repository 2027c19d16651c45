package dev.mailgate.tenant.config;

import java.util.List;
import java.util.stream.Collectors;

/** A tenant file could not be loaded; carries every problem found in it, not only the first. */
public class TenantConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<TenantConfigError> errors;

  /** @param errors the problems found; at least one */
  public TenantConfigException(List<TenantConfigError> errors) {
    super(describe(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a TenantConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, in the order found. */
  public List<TenantConfigError> errors() {
    return errors;
  }

  private static String describe(List<TenantConfigError> errors) {
    if (errors.size() == 1) {
      return errors.get(0).toString();
    }
    return errors.size() + " tenant configuration errors:" + errors.stream()
        .map(error -> "\n  " + error)
        .collect(Collectors.joining());
  }
}
