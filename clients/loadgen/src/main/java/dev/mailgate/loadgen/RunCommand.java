package dev.mailgate.loadgen;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: one load against one or more targets, then the tables (see clients/loadgen/README.md). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run ListConnections load against the gateway and/or the same SQL straight on the database "
        + "(direct) and/or the grpc-java baseline server (grpc-java); or (--rpc search) SearchMessages against the "
        + "gateway and/or the same Gmail calls straight on the Gmail API (gmail-direct). With several targets they "
        + "run one after the other with the same load, the gateway last, and the gateway's ratios to each are printed.")
final class RunCommand implements Callable<Integer> {

  static final class Load {
    @Option(names = "--rate", description = "open loop: calls per second, scheduled by intended start time")
    Double rate;

    @Option(names = "--concurrency", description = "closed loop: this many callers, one call each at a time")
    Integer concurrency;
  }

  @Option(names = "--target", split = ",", defaultValue = "gateway", converter = TargetConverter.class,
      description = "gateway, direct, grpc-java, bare-vertx, gmail-direct, or several (gateway,direct); default ${DEFAULT-VALUE}")
  List<TargetKind> targets;

  @Option(names = "--rpc", defaultValue = "list-connections", converter = RpcConverter.class,
      description = "list-connections (targets gateway, direct, grpc-java) or search (SearchMessages in the user's "
          + "Gmail connection; targets gateway, gmail-direct); default ${DEFAULT-VALUE}")
  RpcKind rpc;

  @Option(names = "--query", defaultValue = "", description = "search: the Gmail query (default: empty)")
  String query;

  @Option(names = "--page-size", defaultValue = "10", description = "search: page size (${DEFAULT-VALUE})")
  int pageSize;

  @Option(names = "--gmail-root-url",
      description = "search, target gmail-direct: the Gmail API root, e.g. the dev sandbox's http://127.0.0.1:PORT/")
  String gmailRootUrl;

  @Option(names = "--gmail-threads", defaultValue = "16",
      description = "search, target gmail-direct: threads for the blocking Gmail calls; the gateway's pool is 16 (${DEFAULT-VALUE})")
  int gmailThreads;

  @Option(names = "--mailbox", description = "search: the user's Gmail address (default: USER@example.com)")
  String mailbox;

  @Option(names = "--connection-id",
      description = "search: the user's Gmail connection (default: connect it through the dev-mode OAuth flow)")
  String connectionId;

  @Option(names = "--address", defaultValue = "127.0.0.1:8080", description = "gateway host:port (${DEFAULT-VALUE})")
  String address;

  @Option(names = "--baseline-address", description = "grpc-java target: the baseline-server's host:port")
  String baselineAddress;

  @Option(names = "--bare-vertx-address", description = "bare-vertx target: the bare-vertx-server's host:port")
  String bareVertxAddress;

  @Option(names = "--tenant", defaultValue = "acme", description = "x-tenant-id (${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--api-key", defaultValue = "mgk_dev_acme_5f2c9a7e41d8",
      description = "the tenant's API key (default: acme's published dev key)")
  String apiKey;

  @Option(names = "--tenant-count", defaultValue = "1",
      description = "gateway target: spread calls round-robin over this many tenants; when > 1, --tenant and --api-key "
          + "are String.format patterns applied to 0..N-1, e.g. --tenant bench%%04d --api-key mgk_bench_bench%%04d "
          + "(${DEFAULT-VALUE})")
  int tenantCount;

  @Option(names = "--cold-pass",
      description = "before the warm-up, make exactly one call per tenant (16 at a time) and report those calls as "
          + "their own row, 'cold first call'")
  boolean coldPass;

  @Option(names = "--user", defaultValue = "alice", description = "the user whose connections are listed (${DEFAULT-VALUE})")
  String user;

  @Option(names = "--pg-url", description = "direct target: postgresql://user[:password]@host:port/database")
  String pgUrl;

  @Option(names = "--pg-pool-size", defaultValue = "4",
      description = "direct target: pool size; the gateway's tenant default is 4 (${DEFAULT-VALUE})")
  int pgPoolSize;

  @Option(names = "--pg-schema-per-tenant",
      description = "direct target: the tenants (--tenant, --tenant-count) are schemas of --pg-url's database, and each "
          + "call first puts its connection on the next one, as the gateway does for tenants sharing a database")
  boolean pgSchemaPerTenant;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Load load;

  @CommandLine.Mixin
  RunTiming timing = new RunTiming();

  @Option(names = "--json", description = "also write the results here as JSON")
  Path json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LoadSpec loadSpec = load.rate != null
        ? LoadSpec.open(load.rate, timing.warmup(), timing.duration())
        : LoadSpec.closed(load.concurrency, timing.warmup(), timing.duration());
    RunSettings settings = new RunSettings(address, baselineAddress, tenant, apiKey, tenantCount, user, pgUrl, pgPoolSize,
        timing.timeout(), rpc, query, pageSize, gmailRootUrl, gmailThreads,
        mailbox != null ? mailbox : user + "@example.com", connectionId, pgSchemaPerTenant, bareVertxAddress);
    try {
      settings.tenants();
      ComparisonRun.check(rpc, targets, settings);
    } catch (IllegalArgumentException wrong) {
      throw new CommandLine.ParameterException(spec.commandLine(), wrong.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    List<LoadResult> results;
    Vertx vertx = Vertx.vertx();
    try {
      results = new ComparisonRun(vertx, settings, out).run(targets, loadSpec, coldPass);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    out.println();
    List<Report.Comparison> comparisons = Report.Comparison.of(results);
    if (!comparisons.isEmpty()) {
      out.println(Report.comparisonTable(comparisons));
    }
    out.print(Report.table(results));
    if (json != null) {
      Files.writeString(json, Report.json(results).encodePrettily() + "\n");
      out.printf("%nwrote %s%n", json);
    }
    out.flush();
    return results.stream().allMatch(r -> r.errors() == 0 && r.requests() > 0) ? 0 : 1;
  }

  static final class RpcConverter implements CommandLine.ITypeConverter<RpcKind> {
    @Override
    public RpcKind convert(String value) {
      return RpcKind.parse(value);
    }
  }

  static final class TargetConverter implements CommandLine.ITypeConverter<TargetKind> {
    @Override
    public TargetKind convert(String value) {
      return TargetKind.parse(value);
    }
  }
}
