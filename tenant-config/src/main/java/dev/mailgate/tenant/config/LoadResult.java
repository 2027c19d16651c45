package dev.mailgate.tenant.config;

import java.util.List;

/**
 * What loading a directory of tenant files produced: the tenants that loaded and the problems of
 * those that did not. One bad file does not keep the others from loading.
 *
 * @param tenants tenants that loaded, in file name order
 * @param errors  every problem found, in file name order
 */
public record LoadResult(List<TenantConfig> tenants, List<TenantConfigError> errors) {

  public LoadResult {
    tenants = List.copyOf(tenants);
    errors = List.copyOf(errors);
  }
}
