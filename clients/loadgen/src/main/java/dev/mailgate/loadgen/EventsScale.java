package dev.mailgate.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench events} scale, on the push gateway: {@code --connections} Gmail and Outlook
 * connections (half each) and {@code --imap-connections} IMAP ones, all connected through the
 * public API and each proven watched by a probe; then {@code --scale-rate} new messages a second
 * for {@code --scale-duration}, spread evenly over every watched connection (each gets one before
 * any gets a second, in a shuffled order), each timed to its MESSAGE_ADDED; then the gateway's CPU
 * over {@code --idle} with no new mail. The gateway's RSS is sampled throughout.
 */
final class EventsScale {

  private final EventsBench bench;
  private static final String GRAPH_NOTIFICATIONS = "Graph notifications:";

  private final EventsGateway g;
  private final List<BenchMailbox> latencyBoxes;
  private final BenchSection section;

  EventsScale(EventsBench bench, EventsGateway g, List<BenchMailbox> latencyBoxes, BenchSection section) {
    this.bench = bench;
    this.g = g;
    this.latencyBoxes = latencyBoxes;
    this.section = section;
  }

  void run() throws Exception {
    EventsOptions options = bench.options();
    int gmail = options.connections / 2;
    int outlook = options.connections - gmail;
    int imap = options.imapConnections();
    String size = options.connections + " push + " + imap + " IMAP";
    bench.out().printf("scale: connecting %d Gmail, %d Outlook and %d IMAP mailboxes, %d at a time ...%n", gmail,
        outlook, imap, options.connectConcurrency);
    bench.out().flush();
    long start = System.nanoTime();
    List<BenchMailbox> boxes = new ArrayList<>(latencyBoxes);
    boxes.addAll(bench.connect(g, "s", gmail, outlook, imap));
    double connectSeconds = (System.nanoTime() - start) / 1e9;
    section.checks.add(BenchCheck.info("events", "scale, " + size, "connections made per second through the "
        + "public API (OAuth flow; CreateImapConnection)", (boxes.size() - latencyBoxes.size()) / connectSeconds, 1,
        "/s", true));
    int notWatched = bench.probe(g, boxes, options.scaleRate);
    graphNotifications(null);
    TimeUnit.MILLISECONDS.sleep(EventsBench.PUSH_QUIET_MILLIS);
    section.checks.add(BenchCheck.atMost("events", "scale, " + size, "connections whose probe did not show its event "
        + "within the probe window (polling interval + 15 s) of " + boxes.size(), notWatched, 0, "", 0, true));

    Duration duration = LoadgenCli.parseDuration(options.scaleDuration);
    int messages = (int) Math.round(options.scaleRate * duration.toMillis() / 1000.0);
    String load = "scale, " + size + ", " + Report.fmt(options.scaleRate, 0) + " msgs/s for " + duration.toSeconds() + " s";
    bench.out().printf("%s ...%n", load);
    bench.out().flush();
    DeliveryLedger ledger = g.ledger("scale");
    CpuMeter cpu = g.cpuMeter();
    Map<String, Double> before = cpu.snapshot();
    long loadStart = System.nanoTime();
    bench.deliverAtRate(g, ledger, LatencyPlan.roundRobin(EventsBench.shuffled(boxes), messages), options.scaleRate);
    Map<String, Double> loadCores = CpuMeter.cores(before, cpu.snapshot(), (System.nanoTime() - loadStart) / 1e9);
    bench.out().printf("  while mail arrived: %s%n", CpuMeter.describe(loadCores));
    section.checks.add(BenchCheck.info("events", load, "cores used while mail arrived: " + CpuMeter.describe(loadCores)
        .replace(" cores", "") + " (gateway)", loadCores.getOrDefault("gateway", 0.0), 2, "", true));
    Duration timeout = g.pollInterval.plusSeconds(15);
    ledger.awaitAll(timeout);
    bench.printStats(ledger);
    Map<String, DeliveryLedger.Stats> stats = ledger.stats();
    for (DeliveryLedger.Stats s : stats.values()) {
      String metric = s.provider() + ": p99 delivery -> MESSAGE_ADDED (p50 " + Report.fmt(s.p50Ms(), 0) + " ms, max "
          + Report.fmt(s.maxMs(), 0) + " ms, n=" + s.count() + ")";
      section.checks.add(s.provider().equals("all") || stats.size() == 1
          ? BenchCheck.atMost("events", load, metric, s.p99Ms(), 0, " ms", EventsBench.MAX_SCALE_P99_MS, true)
          : BenchCheck.info("events", load, metric, s.p99Ms(), 0, " ms", true));
    }
    section.checks.add(bench.missingCheck(load, ledger, timeout));
    graphNotifications(load);

    Duration idle = LoadgenCli.parseDuration(options.idle);
    bench.out().printf("idle: the gateway's CPU over %d s without new mail ...%n", idle.toSeconds());
    bench.out().flush();
    TimeUnit.SECONDS.sleep(5);
    Map<String, Double> idleBefore = cpu.snapshot();
    long idleStart = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(idle.toNanos());
    Map<String, Double> cores = CpuMeter.cores(idleBefore, cpu.snapshot(), (System.nanoTime() - idleStart) / 1e9);
    bench.out().printf("  idle: %s%n", CpuMeter.describe(cores));
    section.checks.add(BenchCheck.atMost("events", "scale, " + size + ", no new mail for " + idle.toSeconds() + " s",
        "gateway JVM CPU, % of one core (PostgreSQL " + Report.fmt(cores.getOrDefault("postgres", 0.0) * 100, 1) + " %)",
        cores.getOrDefault("gateway", 0.0) * 100, 1, " %", EventsBench.MAX_IDLE_CPU_PERCENT, true));
  }

  /**
   * The sandbox process's last count of Graph notifications (it prints one every 5 s when they
   * change): printed, and with {@code load}, judged: a dropped notification is an event the gateway
   * could only find at its next poll.
   */
  private void graphNotifications(String load) throws IOException {
    if (g.sandbox == null) {
      return;
    }
    String last = null;
    for (String line : Files.readAllLines(g.sandbox.log(), StandardCharsets.UTF_8)) {
      if (line.startsWith(GRAPH_NOTIFICATIONS)) {
        last = line;
      }
    }
    if (last == null) {
      return;
    }
    bench.out().printf("  sandbox: %s%n", last);
    bench.out().flush();
    if (load == null) {
      return;
    }
    section.checks.add(BenchCheck.atMost("events", load, "Graph notifications the sandbox dropped (" + last
        .substring(GRAPH_NOTIFICATIONS.length()).trim() + ")", count(last, "dropped"), 0, "", 0, true));
  }

  private static long count(String line, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
