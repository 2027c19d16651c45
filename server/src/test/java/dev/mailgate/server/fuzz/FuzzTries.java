package dev.mailgate.server.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Lets one system property set the tries of every fuzz property, for long runs:
 * {@code -Dmailgate.fuzz.tries=100000}. Without it each property keeps the short count CI runs.
 */
public final class FuzzTries implements AroundPropertyHook {

  static final String PROPERTY = "mailgate.fuzz.tries";

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
    Integer tries = Integer.getInteger(PROPERTY);
    if (tries != null) {
      context.attributes().setTries(tries);
    }
    return property.execute();
  }

  /** Outermost, so the tries are set before jqwik reads them. */
  @Override
  public int aroundPropertyProximity() {
    return -100;
  }
}
