package dev.mailgate.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench events} (issue 12): mail delivered into sandbox mailboxes from outside the gateway,
 * and its MESSAGE_ADDED on WatchTenant streams. Two gateways, one after the other, each on a fresh
 * data directory and (by default) its own provider sandbox process:
 * <ol>
 *   <li>polling only (no {@code --public-url}, {@code --poll-interval} {@link EventsOptions#pollInterval}):
 *       latency per provider, then throughput from the log to {@link EventsOptions#streams} streams
 *       (live while the feeds produce, and replayed from a cursor: the log alone);</li>
 *   <li>push ({@code --public-url} of the gateway itself and a Pub/Sub topic name; IMAP IDLE):
 *       latency per provider, then scale: many watched connections, mail spread over them at a
 *       fixed rate, the gateway's memory, delivery and latency, and its CPU with no new mail; and
 *       webhooks ({@link EventsWebhooks}): the same mail's signed POSTs at a receiver in this process.</li>
 * </ol>
 * Every mailbox is connected through the gateway's public API ({@link MailboxConnector}) and
 * proven watched by a probe message whose event arrives before it is measured.
 */
final class EventsBench {

  static final double MAX_PUSH_P99_MS = 1000;
  static final double POLL_P99_SLACK_MS = 1000;
  static final double MAX_SCALE_P99_MS = 2000;
  static final double MAX_SCALE_RSS_MIB = 1024;
  static final double MAX_IDLE_CPU_PERCENT = 5;
  /** The topic the push gateway names in Gmail watch requests (the sandbox accepts any well-formed one). */
  static final String PUBSUB_TOPIC = "projects/mailgate-bench/topics/mailbox-events";
  private static final Pattern SANDBOX_READY = Pattern.compile("Provider sandbox ready on (\\S+)");
  private static final Pattern MAIL_SERVER_READY = Pattern.compile(
      "Mail server \\(GreenMail\\) on (\\S+): IMAP (\\d+), SMTP (\\d+)");
  private static final int DELIVERY_CONCURRENCY = 16;
  /** A pause longer than Gmail's one-push-a-second-per-mailbox limit. */
  static final long PUSH_QUIET_MILLIS = 2_000;
  /** A delivery rate: closed loop, {@value #DELIVERY_CONCURRENCY} deliveries in flight. */
  static final double AS_FAST_AS_POSSIBLE = Double.POSITIVE_INFINITY;

  private final Vertx vertx;
  private final EventsOptions options;
  private final PrintWriter out;
  private final String java;
  private final Path serverJar;
  private final String accessLog;
  private final Duration startupTimeout;

  EventsBench(Vertx vertx, EventsOptions options, PrintWriter out, String java, Path serverJar, String accessLog,
      Duration startupTimeout) {
    this.vertx = vertx;
    this.options = options;
    this.out = out;
    this.java = java;
    this.serverJar = serverJar;
    this.accessLog = accessLog;
    this.startupTimeout = startupTimeout;
  }

  void run(Path dir, BenchSection section, Consumer<ChildProcess> track) throws Exception {
    if (options.runs("latency") || options.runs("throughput")) {
      Duration interval = Duration.parse(options.pollInterval);
      try (EventsGateway gateway = start(dir.resolve("polling"), false, interval, track)) {
        List<BenchMailbox> boxes = latencyMailboxes(gateway);
        if (options.runs("latency")) {
          latency(gateway, boxes, "polling " + options.pollInterval, interval.toMillis() + POLL_P99_SLACK_MS, section);
        }
        if (options.runs("throughput")) {
          new EventsThroughput(this, gateway, boxes, section).run();
        }
        recordMemory(gateway, section, "polling gateway", false);
      }
    }
    if (options.runs("latency") || options.runs("scale") || options.runs("webhooks")) {
      try (EventsGateway gateway = start(dir.resolve("push"), true, Duration.parse(options.pushPollInterval), track)) {
        List<BenchMailbox> boxes = latencyMailboxes(gateway);
        if (options.runs("latency")) {
          latency(gateway, boxes, "push", MAX_PUSH_P99_MS, section);
        }
        if (options.runs("webhooks")) {
          new EventsWebhooks(this, gateway, boxes, section).run();
        }
        if (options.runs("scale")) {
          new EventsScale(this, gateway, boxes, section).run();
        }
        recordMemory(gateway, section, "push gateway", options.runs("scale"));
      }
    }
  }

  private EventsGateway start(Path dir, boolean push, Duration pollInterval, Consumer<ChildProcess> track)
      throws Exception {
    Files.createDirectories(dir);
    EventsGateway g = new EventsGateway(push ? "push" : "polling", pollInterval);
    Consumer<ChildProcess> mine = child -> {
      g.processes.add(child);
      track.accept(child);
    };
    try {
      String sandboxUrl = null;
      int port = freePort();
      // A polling-only gateway needs the sandbox outside its JVM: dev mode makes an in-process sandbox push.
      boolean sandboxProcess = !push || options.sandbox.equals("process");
      if (sandboxProcess) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", serverJar.toString(), "sandbox"));
        if (push) {
          command.addAll(List.of("--gmail-push-endpoint", "http://127.0.0.1:" + port + "/push/gmail"));
        }
        if (options.mailServer.equals("process")) {
          command.add("--mail-server");
        }
        g.sandbox = ChildProcess.start("sandbox", command, dir.resolve("sandbox.log"));
        mine.accept(g.sandbox);
        sandboxUrl = g.sandbox.await(SANDBOX_READY, Duration.ofSeconds(60)).group(1);
      }
      List<String> more = new ArrayList<>(List.of("--watch", "on", "--poll-interval", pollInterval.toString(),
          "--watch-concurrency", Integer.toString(options.watchConcurrency)));
      if (push) {
        more.addAll(List.of("--push-poll-interval", Duration.parse(options.pushCoveredPollInterval).toString()));
      }
      if (push && sandboxProcess) {
        more.addAll(List.of("--public-url", "http://127.0.0.1:" + port, "--gmail-pubsub-topic", PUBSUB_TOPIC));
      }
      out.printf("%n== events, %s gateway: -Xmx%s, %s%s ...%n", g.mode, options.gatewayHeap, String.join(" ", more),
          sandboxUrl == null ? ", sandbox in its JVM" : ", sandbox (pid " + g.sandbox.pid() + ") " + sandboxUrl);
      out.flush();
      g.gateway = DevGatewayProcess.start(java, options.gatewayHeap, port, serverJar, dir.resolve("data"), 0,
          accessLog, false, sandboxUrl, more, dir.resolve("gateway.log"), startupTimeout, mine);
      out.printf("gateway (pid %d) ready on %s%n", g.gateway.process.pid(), g.gateway.address);
      out.flush();
      g.rss = new RssSampler(g.gateway.process.pid());
      if (options.mailServer.equals("process") && g.sandbox != null) {
        Matcher mail = g.sandbox.await(MAIL_SERVER_READY, Duration.ofSeconds(10));
        g.mailServer = new MailboxConnector.MailServer(mail.group(1), Integer.parseInt(mail.group(2)),
            Integer.parseInt(mail.group(3)));
      } else {
        int[] greenMail = g.gateway.greenMailPorts.orElseThrow(() -> new IllegalStateException(
            "the gateway did not print GreenMail's ports; see " + g.gateway.process.log()));
        g.mailServer = new MailboxConnector.MailServer("127.0.0.1", greenMail[0], greenMail[1]);
      }
      String sandboxRoot = sandboxUrl != null ? sandboxUrl : g.gateway.gmailRootUrl;
      g.connector = new MailboxConnector(vertx, g.gateway.address, g.credentials());
      g.delivery = new SandboxDelivery(vertx, sandboxRoot, g.mailServer.host(), g.mailServer.smtpPort(), 4);
      g.streams = new EventStreams(vertx, g.gateway.address, g.credentials());
      g.main = g.streams.open("", g::received);
      return g;
    } catch (Exception e) {
      g.close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // --- connecting and proving mailboxes watched ---

  private List<BenchMailbox> latencyMailboxes(EventsGateway g) throws Exception {
    int n = options.latencyMailboxes;
    List<BenchMailbox> boxes = connect(g, "lat", n, n, n);
    probe(g, boxes, 50);
    // Gmail pushes at most once a second per mailbox and drops the rest: the first measured message
    // must not follow its mailbox's probe within that second.
    TimeUnit.MILLISECONDS.sleep(PUSH_QUIET_MILLIS);
    return boxes;
  }

  /** Connects {@code gmail}, {@code outlook} and {@code imap} mailboxes of part {@code part}; fails if any fails. */
  List<BenchMailbox> connect(EventsGateway g, String part, int gmail, int outlook, int imap) throws Exception {
    long start = System.nanoTime();
    List<String> imapAccounts = new ArrayList<>();
    for (int i = 0; i < imap; i++) {
      imapAccounts.add(BenchMailbox.Kind.IMAP.address(part, i));
    }
    bounded(imapAccounts, DELIVERY_CONCURRENCY, g.delivery::createImapAccount);
    record Spec(BenchMailbox.Kind kind, int index) {}
    List<Spec> specs = new ArrayList<>();
    for (int i = 0; i < Math.max(gmail, Math.max(outlook, imap)); i++) {
      if (i < gmail) {
        specs.add(new Spec(BenchMailbox.Kind.GMAIL, i));
      }
      if (i < outlook) {
        specs.add(new Spec(BenchMailbox.Kind.OUTLOOK, i));
      }
      if (i < imap) {
        specs.add(new Spec(BenchMailbox.Kind.IMAP, i));
      }
    }
    List<BenchMailbox> boxes = MailboxConnector.connectAll(specs, options.connectConcurrency,
        spec -> g.connector.connect(spec.kind(), part, spec.index(), g.mailServer));
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf("connected %d mailboxes (%d Gmail, %d Outlook, %d IMAP) in %.1f s (%.1f/s)%n", boxes.size(), gmail,
        outlook, imap, seconds, boxes.size() / seconds);
    out.flush();
    return boxes;
  }

  /**
   * Delivers one probe to each mailbox and waits until its event arrived on the main stream (the
   * watcher has started reading it and is told of changes); a mailbox whose probe did not arrive
   * within 15 s gets another, until the gateway's polling interval (plus 15 s) has passed.
   * Returns how many mailboxes never showed their probe.
   */
  int probe(EventsGateway g, List<BenchMailbox> boxes, double rate) throws Exception {
    long deadline = System.nanoTime() + g.pollInterval.plusSeconds(15).toNanos();
    List<BenchMailbox> waiting = boxes;
    int round = 0;
    while (!waiting.isEmpty()) {
      round++;
      DeliveryLedger ledger = g.ledger("probe" + round);
      Map<String, BenchMailbox> bySubject = deliverAtRate(g, ledger, waiting, rate);
      ledger.awaitAll(Duration.ofSeconds(15));
      List<BenchMailbox> missing = new ArrayList<>();
      for (String subject : ledger.outstandingSubjects()) {
        missing.add(bySubject.get(subject));
        ledger.failed(subject);
      }
      out.printf("probe round %d: %d of %d mailboxes showed their event%n", round, waiting.size() - missing.size(),
          waiting.size());
      out.flush();
      waiting = missing;
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    return waiting.size();
  }

  /**
   * Delivers one message to each of {@code targets}, in order, at fixed intended times {@code
   * 1/rate} apart (open loop: a slow delivery does not delay the next; at most {@value
   * #DELIVERY_CONCURRENCY} in flight, beyond that the schedule slips and the slip is printed), or
   * with {@link #AS_FAST_AS_POSSIBLE}, {@value #DELIVERY_CONCURRENCY} at a time (closed loop).
   * Returns the mailbox of each subject.
   */
  Map<String, BenchMailbox> deliverAtRate(EventsGateway g, DeliveryLedger ledger, List<BenchMailbox> targets,
      double rate) throws InterruptedException {
    Map<String, BenchMailbox> bySubject = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(DELIVERY_CONCURRENCY);
    AtomicLong failures = new AtomicLong();
    String[] firstFailure = new String[1];
    long start = System.nanoTime();
    long maxSlipNanos = 0;
    for (int i = 0; i < targets.size(); i++) {
      long intended = rate == AS_FAST_AS_POSSIBLE ? start : start + (long) (i * 1e9 / rate);
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      inFlight.acquire();
      maxSlipNanos = Math.max(maxSlipNanos, System.nanoTime() - intended);
      BenchMailbox to = targets.get(i);
      String subject = ledger.nextSubject();
      bySubject.put(subject, to);
      g.delivery.deliver(to, subject, nanos -> ledger.stamp(subject, to.kind().label, nanos)).onComplete(done -> {
        inFlight.release();
        if (done.failed()) {
          ledger.failed(subject);
          if (failures.getAndIncrement() == 0) {
            firstFailure[0] = done.cause().getMessage();
          }
        }
      });
    }
    inFlight.acquire(DELIVERY_CONCURRENCY);
    inFlight.release(DELIVERY_CONCURRENCY);
    if (failures.get() > 0) {
      out.printf("  %d deliveries failed (first: %s)%n", failures.get(), firstFailure[0]);
    }
    if (maxSlipNanos > 1_000_000_000L && rate != AS_FAST_AS_POSSIBLE) {
      out.printf("  the delivery schedule slipped by up to %.1f s (deliveries slower than %.0f/s)%n",
          maxSlipNanos / 1e9, rate);
    }
    out.flush();
    return bySubject;
  }

  /** Runs {@code action} for each item with at most {@code concurrency} in flight; blocks until all are done. */
  static <T> void bounded(List<T> items, int concurrency, java.util.function.Function<T, Future<Void>> action)
      throws Exception {
    Semaphore permits = new Semaphore(concurrency);
    AtomicLong failed = new AtomicLong();
    String[] first = new String[1];
    for (T item : items) {
      permits.acquire();
      action.apply(item).onComplete(done -> {
        if (done.failed() && failed.getAndIncrement() == 0) {
          first[0] = done.cause().getMessage();
        }
        permits.release();
      });
    }
    permits.acquire(concurrency);
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + items.size() + " failed; first: " + first[0]);
    }
  }

  // --- latency ---

  private void latency(EventsGateway g, List<BenchMailbox> boxes, String mode, double p99LimitMs,
      BenchSection section) throws Exception {
    Duration spacing = LoadgenCli.parseDuration(options.latencySpacing);
    List<BenchMailbox> targets = LatencyPlan.interleave(boxes, options.latencyMessages);
    out.printf("latency, %s: %d messages, one every %d ms, providers taking turns ...%n", mode, targets.size(),
        spacing.toMillis());
    out.flush();
    DeliveryLedger ledger = g.ledger(g.mode + "latency");
    deliverAtRate(g, ledger, targets, 1e9 / spacing.toNanos());
    Duration timeout = g.pollInterval.plusSeconds(15);
    ledger.awaitAll(timeout);
    String load = mode + ", " + options.latencyMessages + " msgs/provider";
    boolean polling = g.mode.equals("polling");
    for (DeliveryLedger.Stats stats : ledger.stats().values()) {
      if (stats.provider().equals("all")) {
        continue;
      }
      // The gateway idles on IMAP mailboxes whether or not it has a public URL: no polling-only IMAP.
      boolean idle = polling && stats.provider().equals(BenchMailbox.Kind.IMAP.label);
      String metric = stats.provider() + (idle ? " (IDLE: always on, not polling)" : "")
          + ": p99 delivery -> MESSAGE_ADDED (p50 " + Report.fmt(stats.p50Ms(), 0) + " ms, max "
          + Report.fmt(stats.maxMs(), 0) + " ms, n=" + stats.count() + ")";
      section.checks.add(idle ? BenchCheck.info("events", load, metric, stats.p99Ms(), 0, " ms", true)
          : BenchCheck.atMost("events", load, metric, stats.p99Ms(), 0, " ms", p99LimitMs, true));
    }
    section.checks.add(missingCheck(load, ledger, timeout));
    printStats(ledger);
  }

  BenchCheck missingCheck(String load, DeliveryLedger ledger, Duration timeout) {
    return BenchCheck.atMost("events", load, "events not on the stream within " + timeout.toSeconds() + " s "
        + ledger.outstandingByProvider() + " (delivered " + (ledger.arrivedCount() + ledger.outstanding())
        + ", failed deliveries " + ledger.failedCount() + ", duplicates " + ledger.duplicates() + ")",
        ledger.outstanding(), 0, "", 0, ledger.failedCount() == 0);
  }

  void printStats(DeliveryLedger ledger) {
    for (DeliveryLedger.Stats s : ledger.stats().values()) {
      out.printf(Locale.ROOT, "  %-8s n=%d p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", s.provider(), s.count(), s.p50Ms(),
          s.p99Ms(), s.maxMs());
    }
    if (ledger.outstanding() > 0) {
      out.printf("  not arrived: %s%n", ledger.outstandingByProvider());
    }
    out.flush();
  }

  private void recordMemory(EventsGateway g, BenchSection section, String which, boolean judged) {
    g.rss.close();
    g.rss.maxSinceKib(0).ifPresent(kib -> section.checks.add(judged
        ? BenchCheck.atMost("events", which, "gateway max VmRSS (sampled 1/s)", kib / 1024.0, 0, " MiB",
            MAX_SCALE_RSS_MIB, true)
        : BenchCheck.info("events", which, "gateway max VmRSS (sampled 1/s)", kib / 1024.0, 0, " MiB", true)));
    g.rss.hwmKib().ifPresent(kib -> section.checks.add(judged
        ? BenchCheck.atMost("events", which, "gateway VmHWM (peak RSS)", kib / 1024.0, 0, " MiB", MAX_SCALE_RSS_MIB,
            true)
        : BenchCheck.info("events", which, "gateway VmHWM (peak RSS)", kib / 1024.0, 0, " MiB", true)));
  }

  Vertx vertx() {
    return vertx;
  }

  PrintWriter out() {
    return out;
  }

  EventsOptions options() {
    return options;
  }

  /** A shuffled copy (fixed seed: runs are comparable). */
  static <T> List<T> shuffled(List<T> items) {
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, new Random(12));
    return copy;
  }
}
