package dev.mailgate.server.dev;

import dev.mailgate.server.Main;

/**
 * The {@code mailgate} command line of a development checkout: every gateway command, plus
 * {@code dev} (embedded PostgreSQL, the local providers, demo data) and {@code sandbox} (the
 * provider stand-ins alone). Production runs the gateway's own jar, which has neither.
 */
public final class DevMain {

  private DevMain() {}

  public static void main(String[] args) {
    Main.run(args, new DevCommand(), new SandboxCommand());
  }
}
