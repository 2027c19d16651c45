package dev.mailgate.server.mail;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.server.oauth.OAuthEndpoints;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.tenant.config.LoadResult;
import dev.mailgate.tenant.config.TenantConfigLoader;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.mailgate.server.watch.WatchPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The production gateway as a process of its own for {@link SendCrashTest}, which SIGKILLs it:
 * the tenant files, PostgreSQL and the provider sandboxes belong to the test's JVM, everything
 * here is passed as system properties ({@code crash.*}). Its send path has one fault of its own:
 * with probability {@code crash.killAfterAcceptedProbability} it SIGKILLs itself after the
 * provider accepted a send and before the outcome is committed. Writes {@code crash.readyFile}
 * once it serves. With {@code crash.watchPollMillis} it polls watched mailboxes that often; with
 * {@code crash.coordinationDb} it is one node of several ({@code crash.clusterLeaseMillis}: its leases' time).
 */
public final class CrashableGateway {

  private CrashableGateway() {}

  public static void main(String[] args) throws Exception {
    Path tenants = Path.of(property("crash.tenants"));
    LoadResult loaded = new TenantConfigLoader(System::getenv).loadDirectory(tenants);
    double killProbability = Double.parseDouble(property("crash.killAfterAcceptedProbability"));
    SendFaults killSelf = requestId -> {
      if (ThreadLocalRandom.current().nextDouble() < killProbability) {
        sigkillSelf();
      }
    };
    SendPolicy policy = new SendPolicy(Duration.ofMillis(Long.parseLong(property("crash.leaseMillis"))),
        Duration.ofMillis(Long.parseLong(property("crash.callLimitMillis"))), Duration.ofMillis(200),
        Duration.ofSeconds(30), killSelf);
    OAuthProviders oauth = OAuthProviders.defaults()
        .with(ProviderKind.GMAIL, OAuthEndpoints.google().at(property("crash.google.authorize"),
            property("crash.google.token"), Optional.empty(), property("crash.gmailRoot") + "gmail/v1/users/me/profile"))
        .with(ProviderKind.OUTLOOK, OAuthEndpoints.microsoft().at(property("crash.microsoft.authorize"),
            property("crash.microsoft.token"), Optional.empty(), property("crash.graphRoot") + "/v1.0/me"));
    GatewayOptions options = GatewayOptions.local("127.0.0.1", Integer.parseInt(property("crash.port")),
            Path.of(property("crash.secrets")))
        .withOAuth(oauth)
        .withGmailRootUrl(property("crash.gmailRoot"))
        .withGraphRootUrl(property("crash.graphRoot"))
        .withSendPolicy(policy)
        .withEgress(dev.mailgate.server.egress.EgressPolicy.strict().allowingLoopback()); // GreenMail
    String watchPoll = System.getProperty("crash.watchPollMillis");
    if (watchPoll != null) {
      options = options.withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofMillis(Long.parseLong(watchPoll)),
          Duration.ofMillis(Long.parseLong(watchPoll)), Duration.ofSeconds(1)));
    }
    String coordination = System.getProperty("crash.coordinationDb");
    if (coordination != null) {
      Duration lease = Duration.ofMillis(Long.getLong("crash.clusterLeaseMillis", 3000));
      options = options.withCluster(dev.mailgate.server.cluster.ClusterPolicy.DEFAULT.withCoordinationDb(coordination)
          .withTiming(lease, lease.dividedBy(4)));
    }
    GatewayServer.start(Vertx.vertx(), options, loaded.tenants()).await(120, TimeUnit.SECONDS);
    Files.writeString(Path.of(property("crash.readyFile")), "ready");
    Thread.currentThread().join();
  }

  private static void sigkillSelf() {
    try {
      new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
      Thread.sleep(60_000);
    } catch (Exception e) {
      Runtime.getRuntime().halt(137);
    }
    Runtime.getRuntime().halt(137);
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalArgumentException("missing -D" + name);
    }
    return value;
  }
}
