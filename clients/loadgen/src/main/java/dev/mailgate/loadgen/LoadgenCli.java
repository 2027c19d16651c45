package dev.mailgate.loadgen;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mailgate-loadgen run|baseline-server|bench ...}: see clients/loadgen/README.md. */
@Command(name = "mailgate-loadgen", mixinStandardHelpOptions = true,
    description = "Load generator for the Mailgate gateway.",
    subcommands = {RunCommand.class, BaselineServerCommand.class, BareVertxServerCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class LoadgenCli {

  /**
   * Idle keep-alive connections per host, as the gateway keeps them (server Main; a test checks
   * the two agree): otherwise gmail-direct would pay for new connections the gateway does not.
   */
  static final String KEEP_ALIVE_CONNECTIONS = "64";

  public static void main(String[] args) {
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", KEEP_ALIVE_CONNECTIONS);
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
