package dev.mailgate.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.impl.MicrometerMetrics;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A Vert.x instance whose own meters (HTTP server and clients, SQL and worker pools) go to a
 * Prometheus registry that the gateway then adds its meters to and serves on {@code /metrics}.
 * Vert.x's labels are the bounded ones: HTTP method and status code, pool type and name, with every
 * tenant database pool ({@code db-<database>}) named {@value #TENANT_DATABASE_POOL} (database names
 * are tenants'). Vert.x sees gRPC calls only as HTTP POSTs; {@link CallMeters} records them.
 */
public final class MeteredVertx {

  static final String TENANT_DATABASE_POOL = "tenant_database";

  private MeteredVertx() {}

  /** A builder of such a Vert.x; add to it (a tracer) and build. */
  public static VertxBuilder builder() {
    return builder(new VertxOptions());
  }

  /** Like {@link #builder()}, with these options besides the metrics'. */
  public static VertxBuilder builder(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // One registry per Vert.x instance: Vert.x keeps registries by name, process-wide.
        .setRegistryName("mailgate-" + UUID.randomUUID())
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
        .setLabelMatches(List.of(new Match().setLabel(Label.POOL_NAME.toString()).setType(MatchType.REGEX)
            .setValue("db-.*").setAlias(TENANT_DATABASE_POOL)));
    return Vertx.builder().with(new VertxOptions(options).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** A Vert.x with its meters in a registry of its own. */
  public static Vertx create() {
    return builder().build();
  }

  /** The Prometheus registry of a Vert.x made here; empty for any other Vert.x. */
  static Optional<PrometheusMeterRegistry> registryOf(Vertx vertx) {
    if (vertx instanceof VertxInternal internal && internal.metrics() instanceof MicrometerMetrics micrometer) {
      MeterRegistry registry = micrometer.registry();
      if (registry instanceof PrometheusMeterRegistry prometheus) {
        return Optional.of(prometheus);
      }
    }
    return Optional.empty();
  }
}
