package dev.mailgate.server.cli;

import dev.mailgate.tenant.config.ApiKeys;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mailgate keys create-dashboard-key}: makes a new key for a tenant's dashboard (256 random
 * bits), prints it once, and prints the {@code dashboard_keys} entry to add to the tenant file: its
 * name and SHA-256, never the key. The gateway loads tenant files at start, so a new key counts
 * from the next start.
 */
@Command(name = "create-dashboard-key", mixinStandardHelpOptions = true,
    description = "Makes a key for the tenant dashboard (/dashboard) and prints it once, with the dashboard_keys "
        + "entry (its SHA-256) to add to the tenant file.")
final class DashboardKeyCommand implements Callable<Integer> {

  /** What a dashboard key starts with, so that one found in the wild is recognised. */
  static final String PREFIX = "mgd_";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  @Spec
  CommandSpec spec;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "The key's label in the tenant file (1 to 64 letters, digits, '.', '_' or '-').")
  String name;

  @Override
  public Integer call() {
    if (!NAME.matcher(name).matches()) {
      throw new ParameterException(spec.commandLine(), "--name must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("dashboard key (shown once; give it to the tenant's operators, keep it out of URLs and logs):%n");
    out.printf("  %s%n", key);
    out.printf("add to the tenant file (then restart the gateway):%n");
    out.printf("dashboard_keys:%n  - name: %s%n    sha256: %s%n", name, ApiKeys.sha256Hex(key));
    out.flush();
    return 0;
  }
}
