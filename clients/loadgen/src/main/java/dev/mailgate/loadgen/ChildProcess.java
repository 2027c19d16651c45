package dev.mailgate.loadgen;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the bench started (the gateway, the baseline server). Its output goes straight to a log
 * file (no pipe for it to stall on: the gateway logs every call), which the bench reads for the
 * lines it waits for; once the process has stopped, API keys ({@code mgk_...}) and bearer tokens
 * in the log are masked. {@link #stop()} ends it and whatever it started, gently first (10 s),
 * then forcibly; it is idempotent and safe from a shutdown hook.
 */
final class ChildProcess implements AutoCloseable {

  private static final Pattern SECRET = Pattern.compile("(mgk_|Bearer )\\S+");
  private static final Duration GRACE = Duration.ofSeconds(10);
  /** Only the start of the output is read: the banners the bench needs come first. */
  private static final int KEPT_LINES = 20_000;

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private long readBytes;
  private boolean stopped;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String name, List<String> command, Path log) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildProcess(name, process, log);
  }

  static String mask(String line) {
    if (!line.contains("mgk_") && !line.contains("Bearer ")) {
      return line;
    }
    return SECRET.matcher(line).replaceAll("$1***");
  }

  /** Reads what the process wrote since the last look (up to {@value #KEPT_LINES} lines). */
  private synchronized void refresh() {
    if (lines.size() >= KEPT_LINES) {
      return;
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      if (length <= readBytes) {
        return;
      }
      byte[] bytes = new byte[(int) Math.min(length - readBytes, 1 << 20)];
      file.seek(readBytes);
      file.readFully(bytes);
      readBytes += bytes.length;
      partial.append(new String(bytes, StandardCharsets.UTF_8));
      int newline;
      while ((newline = partial.indexOf("\n")) >= 0 && lines.size() < KEPT_LINES) {
        lines.add(partial.substring(0, newline));
        partial.delete(0, newline + 1);
      }
    } catch (IOException notYet) {
      // nothing written yet
    }
  }

  /** Waits for the first output line matching {@code pattern}; fails if the process ends or time runs out first. */
  Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean alive = process.isAlive();
      Optional<Matcher> found = find(pattern);
      if (found.isPresent()) {
        return found.get();
      }
      if (!alive) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " before printing what the bench waits for; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not print what the bench waits for within "
            + timeout.toSeconds() + " s; see " + log);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** The first output line so far matching {@code pattern}, without waiting. */
  synchronized Optional<Matcher> find(Pattern pattern) {
    refresh();
    for (String line : lines) {
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return Optional.of(matcher);
      }
    }
    return Optional.empty();
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** Ends the process and its descendants: destroy, then destroyForcibly after 10 s; then masks its log. */
  synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
      for (ProcessHandle child : descendants) {
        if (child.isAlive()) {
          child.destroy();
          child.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (Exception slow) {
      descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
    maskLog();
  }

  /** Rewrites the log with keys and tokens masked. */
  private void maskLog() {
    Path masked = log.resolveSibling(log.getFileName() + ".masking");
    try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1);
        BufferedWriter out = Files.newBufferedWriter(masked, StandardCharsets.ISO_8859_1)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(mask(line));
        out.newLine();
      }
    } catch (IOException e) {
      return;
    }
    try {
      Files.move(masked, log, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // the unmasked log stays in the bench's private temporary directory
    }
  }

  @Override
  public void close() {
    stop();
  }
}
