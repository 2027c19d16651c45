package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailgate-loadgen run ...}: see clients/loadgen/README.md. */
@Command(name = "mailgate-loadgen", mixinStandardHelpOptions = true,
    description = "Load generator for the Mailgate gateway.",
    subcommands = {LoadgenCli.Run.class, CommandLine.HelpCommand.class})
public final class LoadgenCli {

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadgenCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  enum TargetKind { gateway, direct }

  static final class Load {
    @Option(names = "--rate", description = "open loop: calls per second, scheduled by intended start time")
    Double rate;

    @Option(names = "--concurrency", description = "closed loop: this many callers, one call each at a time")
    Integer concurrency;
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run ListConnections load against the gateway and/or the same SQL straight on the database. "
          + "With both targets (--target gateway,direct) they run one after the other with the same load, "
          + "direct first, and the gateway/direct ratios are printed.")
  static final class Run implements Callable<Integer> {

    @Option(names = "--target", split = ",", defaultValue = "gateway",
        description = "gateway, direct, or both (gateway,direct); default ${DEFAULT-VALUE}")
    List<TargetKind> targets;

    @Option(names = "--address", defaultValue = "127.0.0.1:8080", description = "gateway host:port (${DEFAULT-VALUE})")
    String address;

    @Option(names = "--tenant", defaultValue = "acme", description = "x-tenant-id (${DEFAULT-VALUE})")
    String tenant;

    @Option(names = "--api-key", defaultValue = "mgk_dev_acme_5f2c9a7e41d8",
        description = "the tenant's API key (default: acme's published dev key)")
    String apiKey;

    @Option(names = "--user", defaultValue = "alice", description = "the user whose connections are listed (${DEFAULT-VALUE})")
    String user;

    @Option(names = "--pg-url", description = "direct target: postgresql://user[:password]@host:port/database")
    String pgUrl;

    @Option(names = "--pg-pool-size", defaultValue = "4",
        description = "direct target: pool size; the gateway's tenant default is 4 (${DEFAULT-VALUE})")
    int pgPoolSize;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Load load;

    @Option(names = "--warmup", defaultValue = "5s", description = "warm-up, not recorded (${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--duration", defaultValue = "20s", description = "measured time (${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--timeout", defaultValue = "10s", description = "gRPC deadline per call (${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--json", description = "also write the results here as JSON")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LoadSpec loadSpec = load.rate != null
          ? LoadSpec.open(load.rate, parseDuration(warmup), parseDuration(duration))
          : LoadSpec.closed(load.concurrency, parseDuration(warmup), parseDuration(duration));
      PrintWriter out = spec.commandLine().getOut();
      List<TargetKind> order = new ArrayList<>(new java.util.LinkedHashSet<>(targets));
      // Direct first: the database then holds its cache for both runs alike.
      order.sort(java.util.Comparator.comparing(t -> t == TargetKind.direct ? 0 : 1));
      if (order.contains(TargetKind.direct) && pgUrl == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--target direct needs --pg-url");
      }
      List<LoadResult> results = new ArrayList<>();
      Vertx vertx = Vertx.vertx();
      try {
        LoadEngine engine = new LoadEngine(vertx);
        for (TargetKind kind : order) {
          try (LoadTarget target = open(vertx, kind)) {
            out.printf("%s: %s, warm-up %s, duration %s ...%n", kind, loadSpec.describe(), warmup, duration);
            out.flush();
            results.add(engine.run(target, loadSpec));
          }
        }
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      out.println();
      Report.Comparison.of(results).ifPresent(c -> out.println(Report.comparisonTable(c)));
      out.print(Report.table(results));
      if (json != null) {
        Files.writeString(json, Report.json(results).encodePrettily() + "\n");
        out.printf("%nwrote %s%n", json);
      }
      out.flush();
      return results.stream().allMatch(r -> r.errors() == 0 && r.requests() > 0) ? 0 : 1;
    }

    private LoadTarget open(Vertx vertx, TargetKind kind) {
      if (kind == TargetKind.direct) {
        return new DirectTarget(vertx, pgUrl, pgPoolSize, user);
      }
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--address must be host:port");
      }
      return new GatewayTarget(vertx, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
          tenant, apiKey, user, parseDuration(timeout).toMillis());
    }
  }

  /** "500ms", "5s", "2m", or ISO-8601 ("PT5S"). */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt")) {
      return Duration.parse(text.trim());
    }
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }
}
