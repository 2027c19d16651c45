package dev.mailgate.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway in dev mode as its own JVM ({@code java -Xmx256m -jar mailgate-dev-app.jar dev
 * --port 0 --data-dir DIR [--bench-tenants N]}), with what its banner says: the gRPC address, the
 * embedded PostgreSQL port, the Gmail sandbox root, and acme's database and dev API key.
 */
final class DevGatewayProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("Mailgate dev gateway ready on (\\S+):(\\d+)");
  private static final Pattern POSTGRES = Pattern.compile("PostgreSQL \\(embedded\\) on (\\S+):(\\d+)");
  private static final Pattern GMAIL_ROOT = Pattern.compile("Gmail sandbox API root (\\S+)");
  private static final Pattern BANNER_END = Pattern.compile("Press Ctrl-C to stop");
  private static final Pattern ACME = Pattern.compile("^\\s*tenant acme\\s+database (\\S+)\\s+api key (mgk_\\S+)");
  private static final Pattern GREENMAIL = Pattern.compile("GreenMail on loopback, plain IMAP (\\d+) / SMTP (\\d+)");

  final ChildProcess process;
  private final Path dataDir;
  final String address;
  final String gmailRootUrl;
  final Optional<String> postgresHostPort;
  final Optional<String> acmeDatabase;
  final Optional<String> acmeApiKey;
  /** The dev GreenMail's plain IMAP and SMTP ports on loopback, if the banner names them. */
  final Optional<int[]> greenMailPorts;

  private DevGatewayProcess(ChildProcess process, Path dataDir, String address, String gmailRootUrl,
      Optional<String> postgresHostPort, Optional<String> acmeDatabase, Optional<String> acmeApiKey,
      Optional<int[]> greenMailPorts) {
    this.greenMailPorts = greenMailPorts;
    this.process = process;
    this.dataDir = dataDir;
    this.address = address;
    this.gmailRootUrl = gmailRootUrl;
    this.postgresHostPort = postgresHostPort;
    this.acmeDatabase = acmeDatabase;
    this.acmeApiKey = acmeApiKey;
  }

  /**
   * Starts it with {@code --rate-limits off} and waits until it is ready (up to {@code timeout}: a
   * thousand bench tenants take a while); with {@code sandboxUrl} (a {@code mailgate sandbox}
   * process's), on that provider sandbox. Limits are off because dev tenant acme's example limit
   * (50/s) would cap the comparisons that load acme; what limits cost is the {@code limits}
   * comparison's to measure ({@link OnOffComparison}). The caller must {@link #close()} it, also
   * when this throws after the process started.
   */
  static DevGatewayProcess start(String java, Path serverJar, Path dataDir, int benchTenants, String accessLog,
      String sandboxUrl, Path log, Duration timeout, java.util.function.Consumer<ChildProcess> started) throws Exception {
    return start(java, serverJar, dataDir, benchTenants, accessLog, false, sandboxUrl, log, timeout, started);
  }

  /** Like the other {@code start}, with the tenants' rate limits on or off. */
  static DevGatewayProcess start(String java, Path serverJar, Path dataDir, int benchTenants, String accessLog,
      boolean rateLimits, String sandboxUrl, Path log, Duration timeout,
      java.util.function.Consumer<ChildProcess> started) throws Exception {
    return start(java, "256m", 0, serverJar, dataDir, benchTenants, accessLog, rateLimits, sandboxUrl, List.of(), log,
        timeout, started);
  }

  /**
   * Like the other {@code start}, with the JVM's {@code -Xmx}, the port (0: any) and more options
   * of {@code dev} ({@code --watch}, {@code --poll-interval}, {@code --public-url}, ...).
   */
  static DevGatewayProcess start(String java, String heap, int port, Path serverJar, Path dataDir, int benchTenants,
      String accessLog, boolean rateLimits, String sandboxUrl, List<String> more, Path log, Duration timeout,
      java.util.function.Consumer<ChildProcess> started) throws Exception {
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-jar", serverJar.toString(), "dev",
        "--port", Integer.toString(port), "--data-dir", dataDir.toString(), "--access-log", accessLog,
        "--rate-limits", rateLimits ? "on" : "off"));
    command.addAll(more);
    if (benchTenants > 0) {
      command.addAll(List.of("--bench-tenants", Integer.toString(benchTenants)));
    }
    if (sandboxUrl != null) {
      command.addAll(List.of("--sandbox-url", sandboxUrl));
    }
    ChildProcess process = ChildProcess.start("gateway", command, log);
    started.accept(process);
    return read(process, dataDir, timeout);
  }

  /** Waits for the started gateway's banner and reads it. */
  static DevGatewayProcess read(ChildProcess process, Path dataDir, Duration timeout) throws InterruptedException {
    Matcher ready = process.await(READY, timeout);
    String address = ready.group(1) + ":" + ready.group(2);
    String gmailRoot = process.await(GMAIL_ROOT, Duration.ofSeconds(30)).group(1);
    try {
      process.await(BANNER_END, Duration.ofSeconds(60));
    } catch (IllegalStateException noBannerEnd) {
      // The lines below are optional: each comparison says what it misses.
    }
    Optional<Matcher> acme = process.find(ACME);
    return new DevGatewayProcess(process, dataDir, address, gmailRoot,
        process.find(POSTGRES).map(m -> m.group(1) + ":" + m.group(2)),
        acme.map(m -> m.group(1)), acme.map(m -> m.group(2)),
        process.find(GREENMAIL).map(m -> new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))}));
  }

  /** postgresql://postgres@HOST:PORT/<acme's database> (embedded PostgreSQL trusts local connections). */
  /** A database of the gateway's embedded PostgreSQL, as the postgres user. */
  String pgUrl(String database) {
    return "postgresql://postgres@" + postgresHostPort.orElseThrow(() -> new IllegalStateException(
        "the gateway did not print its PostgreSQL address; see " + process.log())) + "/" + database;
  }

  String acmePgUrl() {
    return "postgresql://postgres@" + postgresHostPort.orElseThrow(() -> new IllegalStateException(
        "the gateway did not print its PostgreSQL address; see " + process.log()))
        + "/" + acmeDatabase.orElseThrow(() -> new IllegalStateException(
        "the gateway did not print tenant acme's database; see " + process.log()));
  }

  String acmeApiKey() {
    return acmeApiKey.orElseThrow(() -> new IllegalStateException(
        "the gateway did not print tenant acme's dev API key; see " + process.log()));
  }

  @Override
  public void close() {
    process.stop();
    stopLeftovers(dataDir);
  }

  /**
   * Embedded PostgreSQL runs detached from the gateway's JVM (not its child): if the gateway had
   * to be killed it stays behind. Ends the processes whose command line names this run's own
   * temporary data directory, by id.
   */
  static void stopLeftovers(Path dataDir) {
    String marker = dataDir.toAbsolutePath().toString();
    List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .toList();
    leftovers.forEach(ProcessHandle::destroy);
    for (ProcessHandle leftover : leftovers) {
      try {
        leftover.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception slow) {
        leftover.destroyForcibly();
      }
    }
  }
}
