package dev.mailgate.server;

import dev.mailgate.server.cli.KeysCommand;
import dev.mailgate.server.cli.ServeCommand;
import dev.mailgate.server.dev.DevCommand;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mailgate} command line. */
@Command(name = "mailgate", mixinStandardHelpOptions = true, version = "mailgate 0.1.0",
    description = "Self-hosted, multi-tenant email account gateway over gRPC.",
    subcommands = {DevCommand.class, ServeCommand.class, KeysCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
