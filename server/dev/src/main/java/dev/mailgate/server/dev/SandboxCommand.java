package dev.mailgate.server.dev;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailgate.server.cli.GatewayProcess;
import dev.mailgate.server.sandbox.ProviderSandbox;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mailgate sandbox}: only dev mode's provider sandbox (the Gmail and Graph APIs) with the
 * demo mailboxes, in a process of its own; {@code mailgate dev --sandbox-url} then uses it instead
 * of one in the gateway's JVM, so that a benchmark measures each process's CPU on its own.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = "Runs dev mode's Gmail and Graph sandbox alone (demo mailboxes alice and bob). Prints "
        + "'Provider sandbox ready on URL'; pass that URL to dev --sandbox-url.")
public final class SandboxCommand implements Callable<Integer> {

  /** How often the Graph sandbox's notification counts are printed (when they changed). */
  static final long STATS_EVERY_MILLIS = 5_000;

  @Spec
  CommandSpec spec;

  @Option(names = "--port", defaultValue = "0", description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--gmail-messages", defaultValue = "3", paramLabel = "N",
      description = "Messages in each demo Gmail mailbox: the three demo messages, then short notes (default: ${DEFAULT-VALUE}).")
  int gmailMessages;

  @Option(names = "--gmail-push-endpoint", paramLabel = "URL",
      description = "Deliver the Gmail sandbox's Pub/Sub pushes of watched mailboxes to URL (a dev gateway's "
          + "/push/gmail, started with --sandbox-url and --public-url), with OIDC tokens for audience URL, signed "
          + "with the keys at this sandbox's /oauth2/v1/certs. Default: pushes go nowhere.")
  String gmailPushEndpoint;

  @Option(names = "--mail-server",
      description = "Also run an IMAP/SMTP server (GreenMail, plain, on the sandbox's host) in this process and print "
          + "'Mail server (GreenMail) on HOST: IMAP PORT, SMTP PORT'; an account is made by the first mail delivered "
          + "to it (login and password: the address). For benchmarks that keep IMAP's server out of the gateway's JVM.")
  boolean mailServer;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    ProviderSandbox sandbox;
    try {
      sandbox = ProviderSandbox.start(vertx, host, port).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close().await(10, TimeUnit.SECONDS);
      throw e;
    }
    if (gmailPushEndpoint != null) {
      sandbox.gmail().pushTo(gmailPushEndpoint, gmailPushEndpoint);
    }
    GreenMail mail = null;
    if (mailServer) {
      mail = new GreenMail(new ServerSetup[] {
          new ServerSetup(0, host, ServerSetup.PROTOCOL_SMTP).dynamicPort(),
          new ServerSetup(0, host, ServerSetup.PROTOCOL_IMAP).dynamicPort()});
      mail.start();
    }
    GreenMail started = mail;
    DemoMail.seed(sandbox, null);
    DemoMail.fillGmail(sandbox, gmailMessages);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        if (started != null) {
          started.stop();
        }
        sandbox.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // stopping anyway
      }
    }, "sandbox-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Provider sandbox ready on %s/ (Gmail API root; bearer: any unexpired JWT whose sub is the mailbox)%n",
        sandbox.baseUrl());
    if (started != null) {
      out.printf("Mail server (GreenMail) on %s: IMAP %d, SMTP %d%n", host, started.getImap().getPort(),
          started.getSmtp().getPort());
    }
    out.flush();
    String[] last = {""};
    vertx.setPeriodic(STATS_EVERY_MILLIS, t -> {
      String stats = sandbox.graph().notificationStats();
      if (!stats.equals(last[0])) {
        last[0] = stats;
        out.printf("Graph notifications: %s%n", stats);
        out.flush();
      }
    });
    GatewayProcess.awaitShutdown();
    return 0;
  }
}
