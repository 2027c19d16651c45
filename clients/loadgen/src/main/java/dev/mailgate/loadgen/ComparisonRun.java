package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Runs several targets one after the other with the same load: the others first (in the order
 * given; the database then holds its cache for all runs alike), the gateway last.
 */
public final class ComparisonRun {

  private final Vertx vertx;
  private final RunSettings settings;
  private final PrintWriter out;

  public ComparisonRun(Vertx vertx, RunSettings settings, PrintWriter out) {
    this.vertx = vertx;
    this.settings = settings;
    this.out = out;
  }

  public List<LoadResult> run(List<TargetKind> targets, LoadSpec spec) throws Exception {
    List<TargetKind> order = new ArrayList<>(new LinkedHashSet<>(targets));
    order.sort(Comparator.comparing(t -> t == TargetKind.GATEWAY ? 1 : 0));
    LoadEngine engine = new LoadEngine(vertx);
    List<LoadResult> results = new ArrayList<>();
    for (TargetKind kind : order) {
      try (LoadTarget target = open(kind)) {
        out.printf("%s: %s, warm-up %s, duration %s ...%n", kind, spec.describe(), seconds(spec.warmup()),
            seconds(spec.duration()));
        out.flush();
        results.add(engine.run(target, spec));
      }
    }
    return results;
  }

  LoadTarget open(TargetKind kind) {
    long timeoutMillis = settings.timeout().toMillis();
    switch (kind) {
      case DIRECT -> {
        if (settings.pgUrl() == null) {
          throw new IllegalArgumentException("--target direct needs --pg-url");
        }
        return new DirectTarget(vertx, settings.pgUrl(), settings.pgPoolSize(), settings.user());
      }
      case GRPC_JAVA -> {
        if (settings.baselineAddress() == null) {
          throw new IllegalArgumentException("--target grpc-java needs --baseline-address");
        }
        RunSettings.HostPort at = RunSettings.hostPort("--baseline-address", settings.baselineAddress());
        return new GatewayTarget("grpc-java", vertx, at.host(), at.port(), settings.tenants(),
            GatewayTarget.listConnections(settings.user()), timeoutMillis);
      }
      case GATEWAY -> {
        RunSettings.HostPort at = RunSettings.hostPort("--address", settings.address());
        return new GatewayTarget("gateway", vertx, at.host(), at.port(), settings.tenants(),
            GatewayTarget.listConnections(settings.user()), timeoutMillis);
      }
      default -> throw new IllegalArgumentException("target " + kind + " is not available for this RPC");
    }
  }

  private static String seconds(java.time.Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }
}
