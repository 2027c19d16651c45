package dev.mailgate.loadgen;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time used by the processes of a run, read from /proc (Linux): the gateway's JVM, its
 * embedded PostgreSQL (which runs detached from the JVM: the processes whose command line names
 * the gateway's data directory, other than the gateway's own, and their children, the backends), the
 * other servers of the comparison (the grpc-java baseline, the bare Vert.x server, the provider sandbox), each by
 * its own name, and this load generator. On a small machine all of them share the cores, so where the CPU goes explains
 * the ratios better than the throughput alone. Elsewhere than Linux it measures nothing.
 */
final class CpuMeter {

  /** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long gatewayPid;
  private final String dataDir;
  private final Map<String, Long> others;

  /** @param others the comparison's other server processes by name ("grpc-java", "bare-vertx", "sandbox") */
  CpuMeter(long gatewayPid, Path dataDir, Map<String, Long> others) {
    this.gatewayPid = gatewayPid;
    this.dataDir = dataDir.toAbsolutePath().toString();
    this.others = new LinkedHashMap<>(others);
  }

  /** The same processes and one more. */
  CpuMeter with(String name, long pid) {
    Map<String, Long> more = new LinkedHashMap<>(others);
    more.put(name, pid);
    return new CpuMeter(gatewayPid, Path.of(dataDir), more);
  }

  /** CPU seconds used so far by each part. */
  Map<String, Double> snapshot() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    seconds.put("gateway", cpuSeconds(gatewayPid));
    // The postmaster's reaped-children time keeps a backend's CPU counted after it exits (a pool
    // closing idle connections would otherwise make the sum go down).
    List<ProcessHandle> roots = ProcessHandle.allProcesses()
        .filter(p -> p.pid() != gatewayPid && p.info().commandLine().map(line -> line.contains(dataDir)).orElse(false))
        .toList();
    seconds.put("postgres", roots.stream().mapToDouble(p -> reapedChildrenSeconds(p.pid())).sum()
        + roots.stream().flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
            .distinct()
            .mapToDouble(p -> cpuSeconds(p.pid())).sum());
    others.forEach((name, pid) -> seconds.put(name, cpuSeconds(pid)));
    seconds.put("loadgen", cpuSeconds(ProcessHandle.current().pid()));
    return seconds;
  }

  /** Cores used by each part between two snapshots {@code seconds} apart. */
  static Map<String, Double> cores(Map<String, Double> before, Map<String, Double> after, double seconds) {
    Map<String, Double> cores = new LinkedHashMap<>();
    after.forEach((part, used) -> cores.put(part, (used - before.getOrDefault(part, 0.0)) / seconds));
    return cores;
  }

  /** Each part's CPU microseconds per OK call, given the cores it used and the OK calls per second. */
  static Map<String, Double> microsPerCall(Map<String, Double> cores, double callsPerSecond) {
    Map<String, Double> micros = new LinkedHashMap<>();
    cores.forEach((part, used) -> micros.put(part, callsPerSecond > 0 ? used / callsPerSecond * 1e6 : Double.NaN));
    return micros;
  }

  /** "gateway 0.62, postgres 0.55, loadgen 0.47 cores". */
  static String describe(Map<String, Double> cores) {
    return cores.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", ", "", " cores"));
  }

  static JsonObject toJson(Map<String, Double> cores) {
    JsonObject json = new JsonObject();
    cores.forEach(json::put);
    return json;
  }

  /** utime + stime: the process's own CPU. */
  private static double cpuSeconds(long pid) {
    return statSeconds(pid, 11);
  }

  /** cutime + cstime: the CPU of its children that exited and were waited for. */
  private static double reapedChildrenSeconds(long pid) {
    return statSeconds(pid, 13);
  }

  /** Fields {@code index} and {@code index + 1} of /proc/PID/stat, counted after the command name. */
  private static double statSeconds(long pid, int index) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[index]) + Long.parseLong(fields[index + 1])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }
}
