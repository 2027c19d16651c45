package dev.mailgate.server.testing;

import dev.mailgate.server.GatewayOptions;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestGateway} per test class: {@code @RegisterExtension static final GatewayExtension
 * gateway = new GatewayExtension();} starts it before the class's own {@code @BeforeAll} and
 * closes it after the last test. The class fails if any event loop was blocked beyond Vert.x's
 * warning threshold meanwhile.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, String> extraTenantFiles;
  private final UnaryOperator<GatewayOptions> options;
  private final Supplier<Vertx> vertx;
  private TestGateway gateway;

  public GatewayExtension() {
    this(Map.of());
  }

  /** Also writes these tenant files (name to YAML) beside acme and globex. */
  public GatewayExtension(Map<String, String> extraTenantFiles) {
    this(extraTenantFiles, UnaryOperator.identity());
  }

  /** Also writes these tenant files, and starts the gateway with options changed by {@code options}. */
  public GatewayExtension(Map<String, String> extraTenantFiles, UnaryOperator<GatewayOptions> options) {
    this(extraTenantFiles, options, dev.mailgate.server.metrics.MeteredVertx::create);
  }

  /** Like {@link #GatewayExtension(Map, UnaryOperator)}, on the Vert.x instance {@code vertx} makes. */
  public GatewayExtension(Map<String, String> extraTenantFiles, UnaryOperator<GatewayOptions> options,
      Supplier<Vertx> vertx) {
    this.extraTenantFiles = extraTenantFiles;
    this.options = options;
    this.vertx = vertx;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    BlockedEventLoops.watch();
    gateway = TestGateway.start(extraTenantFiles, options, vertx);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    gateway.close();
    List<String> blocked = BlockedEventLoops.drain();
    if (!blocked.isEmpty()) {
      throw new AssertionError("an event loop was blocked during " + context.getDisplayName() + ": " + blocked);
    }
  }

  public TestGateway get() {
    return gateway;
  }
}
