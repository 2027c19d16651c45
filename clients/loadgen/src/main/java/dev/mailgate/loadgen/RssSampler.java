package dev.mailgate.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a process's resident set size once a second from {@code /proc/<pid>/status} (VmRSS),
 * and reads its peak (VmHWM). Linux only; elsewhere it records nothing.
 */
final class RssSampler implements AutoCloseable {

  private final Path status;
  private final List<Long> samplesKib = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "rss-sampler");
    thread.setDaemon(true);
    return thread;
  });
  private OptionalLong lastHwmKib = OptionalLong.empty();

  RssSampler(long pid) {
    this.status = Path.of("/proc", Long.toString(pid), "status");
    timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  private void sample() {
    OptionalLong rss = field("VmRSS");
    OptionalLong hwm = field("VmHWM");
    synchronized (this) {
      rss.ifPresent(samplesKib::add);
      if (hwm.isPresent()) {
        lastHwmKib = hwm;
      }
    }
  }

  /** A "VmRSS:   123456 kB" field of the status file, in KiB. */
  private OptionalLong field(String name) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(name + ":")) {
          return OptionalLong.of(Long.parseLong(line.substring(name.length() + 1).replace("kB", "").trim()));
        }
      }
    } catch (IOException | NumberFormatException gone) {
      // the process has ended, or this is not Linux
    }
    return OptionalLong.empty();
  }

  /** How many samples so far: a mark for {@link #maxSinceKib}. */
  synchronized int mark() {
    return samplesKib.size();
  }

  /** The largest VmRSS sampled since the mark (or empty). */
  synchronized OptionalLong maxSinceKib(int mark) {
    return samplesKib.subList(Math.min(mark, samplesKib.size()), samplesKib.size()).stream()
        .mapToLong(Long::longValue).max();
  }

  synchronized List<Long> samplesKib() {
    return List.copyOf(samplesKib);
  }

  /** The latest VmHWM read (the process's peak RSS so far). */
  synchronized OptionalLong hwmKib() {
    return lastHwmKib;
  }

  /** Takes a last sample (so VmHWM is as of now) and stops sampling. */
  @Override
  public void close() {
    timer.shutdownNow();
    sample();
  }
}
