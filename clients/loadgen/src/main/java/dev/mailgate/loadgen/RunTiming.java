package dev.mailgate.loadgen;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The timing options {@code run} and {@code bench} share: warm-up, measured duration and the per-call deadline. */
final class RunTiming {

  @Option(names = "--warmup", defaultValue = "5s", description = "warm-up of each run, not recorded (${DEFAULT-VALUE})")
  String warmup = "5s";

  @Option(names = "--duration", defaultValue = "20s", description = "measured time of each run (${DEFAULT-VALUE})")
  String duration = "20s";

  @Option(names = "--timeout", defaultValue = "10s", description = "gRPC deadline per call (${DEFAULT-VALUE})")
  String timeout = "10s";

  Duration warmup() {
    return LoadgenCli.parseDuration(warmup);
  }

  Duration duration() {
    return LoadgenCli.parseDuration(duration);
  }

  Duration timeout() {
    return LoadgenCli.parseDuration(timeout);
  }
}
