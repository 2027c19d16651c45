package dev.mailgate.server.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Lets one system property set the tries of every fuzz property, for long runs:
 * {@code -Dmailgate.fuzz.tries=100000}. Without it each property runs {@value #DEFAULT_TRIES} tries, the short round CI runs.
 */
public final class FuzzTries implements AroundPropertyHook {

  static final String PROPERTY = "mailgate.fuzz.tries";
  /** What CI runs per property: three properties, well under a minute together on two cores. */
  static final int DEFAULT_TRIES = 200;

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    if (context.attributes().tries().isEmpty()) {
      context.attributes().setTries(Integer.getInteger(PROPERTY, DEFAULT_TRIES));
    }
    return property.execute();
  }

  /** Outermost, so the tries are set before jqwik reads them. */
  @Override
  public int aroundPropertyProximity() {
    return -100;
  }
}
