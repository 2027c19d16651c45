package dev.mailgate.loadgen;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mailgate-loadgen run|baseline-server|bench ...}: see clients/loadgen/README.md. */
@Command(name = "mailgate-loadgen", mixinStandardHelpOptions = true,
    description = "Load generator for the Mailgate gateway.",
    subcommands = {RunCommand.class, BaselineServerCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class LoadgenCli {

  public static void main(String[] args) {
    // As the gateway does (server Main): the Gmail client's keep-alive cache must hold as many
    // connections as its threads use, or gmail-direct would pay for new connections the gateway does not.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    System.exit(new CommandLine(new LoadgenCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
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
