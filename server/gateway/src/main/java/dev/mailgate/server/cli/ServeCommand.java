package dev.mailgate.server.cli;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.server.crypto.FileMasterKey;
import dev.mailgate.server.metrics.MetricsOptions;
import dev.mailgate.server.oauth.OAuthProviders;
import java.nio.file.Files;
import picocli.CommandLine.ParameterException;
import dev.mailgate.tenant.config.TenantConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailgate serve}: the gateway against real tenant databases. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs the gateway for the tenants configured in a directory (one YAML file per tenant).")
public final class ServeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "DIR",
      description = "Directory of tenant files (*.yaml); secrets come from the environment or files.")
  Path config;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--master-key", required = true, paramLabel = "FILE",
      description = "The master key (Tink keyset JSON) that encrypts the tenant keysets; make one with `mailgate keys create-master-key`. Keep it off the database host.")
  Path masterKey;

  @Option(names = "--keyset-dir", required = true, paramLabel = "DIR",
      description = "Where tenant token keysets live (encrypted by the master key) unless a tenant names its own file.")
  Path keysetDir;

  @Option(names = "--oauth-endpoint", paramLabel = "PROVIDER.ENDPOINT=URL",
      description = "Overrides one OAuth endpoint (default: the real Google and Microsoft ones), e.g. "
          + "gmail.token=URL; endpoints: authorization, token, revocation, profile. Repeatable.")
  Map<String, String> oauthEndpoints = new LinkedHashMap<>();

  @Option(names = "--provider-threads", defaultValue = "16",
      description = "Size of the worker pool each blocking provider client (Gmail) runs on (default: ${DEFAULT-VALUE}).")
  int providerThreads;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain; with --tls-key turns TLS on.")
  Path tlsCertificate;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key.")
  Path tlsKey;

  @picocli.CommandLine.Mixin
  TuningOptions tuning;

  @picocli.CommandLine.Mixin
  WatchOptions watching;

  @picocli.CommandLine.Mixin
  ClusterOptions clustering;

  @picocli.CommandLine.Mixin
  WebhookOptions webhooks;

  @picocli.CommandLine.Mixin
  MetricsOptions metrics;

  @picocli.CommandLine.Mixin
  TraceOptions traces;

  private OAuthProviders endpoints() {
    try {
      return OAuthProviders.defaults().overriding(oauthEndpoints);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--oauth-endpoint: " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    List<TenantConfig> tenants = TenantLoading.load(spec, config, System::getenv);
    if (!Files.isRegularFile(masterKey)) {
      throw new ParameterException(spec.commandLine(),
          "no master key at " + masterKey + "; create one with `mailgate keys create-master-key --master-key " + masterKey + "`");
    }
    GatewayOptions options = GatewayOptions.plaintext(host, port, FileMasterKey.load(masterKey), keysetDir)
        .withOAuth(endpoints()).withProviderThreads(providerThreads);
    if (tlsCertificate != null || tlsKey != null) {
      if (tlsCertificate == null || tlsKey == null) {
        throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
      }
      options = options.withTls(tlsCertificate, tlsKey);
    }
    options = clustering.applyTo(webhooks.applyTo(watching.applyTo(tuning.applyTo(options))));
    try {
      options = metrics.applyTo(options);
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--metrics-token-file: " + e.getMessage());
    }
    try {
      options = traces.applyTo(options);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    GatewayServer server = GatewayProcess.start(options, tenants, () -> {});
    spec.commandLine().getOut().printf("Mailgate ready on %s:%d (%s), tenants: %s%n", host, server.port(),
        options.tls() ? "TLS" : "h2c", String.join(", ", server.tenants().ids()));
    spec.commandLine().getOut().flush();
    GatewayProcess.awaitShutdown();
    return 0;
  }
}
