package dev.mailgate.server;

import dev.mailgate.server.cli.KeysCommand;
import dev.mailgate.server.cli.ServeCommand;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mailgate} command line of the gateway: {@code serve} and {@code keys}. Dev mode's
 * jar adds {@code dev} and {@code sandbox} through {@link #run(String[], Object...)}.
 */
@Command(name = "mailgate", mixinStandardHelpOptions = true, version = "mailgate 0.1.0",
    description = "Self-hosted, multi-tenant email account gateway over gRPC.",
    subcommands = {ServeCommand.class, KeysCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  /**
   * Idle keep-alive connections the JDK's HTTP client keeps per host (its default is 5). The
   * Gmail client (google-api-client on HttpURLConnection) runs on a pool of 16 threads: with only
   * 5 kept, every request above 5 in flight opened a new connection (a TLS handshake with
   * Google) and closed it afterwards. Measured on the dev sandbox: a third less CPU per search.
   */
  public static final String KEEP_ALIVE_CONNECTIONS = "64";

  public static void main(String[] args) {
    run(args);
  }

  /** Runs the command line with {@code extraCommands} (picocli commands) besides the gateway's own. */
  public static void run(String[] args, Object... extraCommands) {
    // Read once, when the JDK's keep-alive cache is first used: set before anything connects.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", KEEP_ALIVE_CONNECTIONS);
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine commandLine = new CommandLine(new Main());
    for (Object command : extraCommands) {
      commandLine.addSubcommand(command);
    }
    int exit = commandLine.execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
