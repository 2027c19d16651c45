package dev.mailgate.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.Main;
import dev.mailgate.tenant.config.LoadResult;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.tenant.config.TenantConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The example deployments in deploy/ (no container engine runs here, so they are checked as
 * files): deploy/compose.yaml has two gateway nodes whose {@code serve} arguments the real
 * command line accepts, one coordination database, health checks on /readyz and a
 * stop_grace_period longer than the drain timeout, on a PostgreSQL that creates the databases the
 * tenant files name; deploy/kubernetes/mailgate.yaml runs 2 replicas, non-root, with readiness on
 * /readyz, liveness on /healthz, a preStop delay and a grace period longer than preStop + drain.
 * The tenant files in deploy/tenants load with what the gateway nodes' environment gives them.
 */
class DeploymentExamplesTest {

  private static final Path DEPLOY = Path.of("..", "..", "deploy");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::?[-?]([^}]*))?}");

  @Test
  @SuppressWarnings("unchecked")
  void composeRunsTwoDrainingGatewayNodesOnOnePostgres() throws Exception {
    Map<String, Object> compose = (Map<String, Object>) yaml(DEPLOY.resolve("compose.yaml")).get(0);
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    Map<String, Map<String, Object>> gateways = new LinkedHashMap<>();
    for (Map.Entry<String, Object> service : services.entrySet()) {
      Map<String, Object> merged = merged((Map<String, Object>) service.getValue());
      Object command = merged.get("command");
      if (command instanceof List<?> list && !list.isEmpty() && "serve".equals(list.get(0))) {
        gateways.put(service.getKey(), merged);
      }
    }
    assertThat(gateways).as("gateway nodes").hasSize(2);
    assertThat(services).containsKey("postgres");
    String initSql = Files.readString(DEPLOY.resolve("postgres").resolve("init.sql"));
    List<String> coordination = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> node : gateways.entrySet()) {
      Map<String, Object> service = node.getValue();
      ParseResult serve = serve((List<String>) service.get("command"));
      Duration drain = serve.matchedOptionValue("--drain-timeout", Duration.ofSeconds(20));
      assertThat(seconds((String) service.get("stop_grace_period"))).as(node.getKey() + " stop_grace_period")
          .isGreaterThan(drain.plusSeconds(5));
      Map<String, Object> health = (Map<String, Object>) service.get("healthcheck");
      assertThat(String.join(" ", (List<String>) health.get("test"))).contains("/readyz");

      Map<String, String> environment = new HashMap<>();
      ((Map<String, Object>) service.get("environment")).forEach((k, v) -> environment.put(k, interpolate(v.toString())));
      coordination.add(environment.get("MAILGATE_COORDINATION_DB"));
      assertThat(environment.get("MAILGATE_COORDINATION_DB")).startsWith("postgresql://").contains("@postgres:5432/");
      assertThat(initSql).contains("CREATE DATABASE " + environment.get("MAILGATE_COORDINATION_DB")
          .replaceAll(".*/", "") + ";");
      List<String> volumes = (List<String>) service.get("volumes");
      assertThat(volumes).contains("./tenants:" + serve.matchedOptionValue("--config", Path.of("")) + ":ro",
          "keysets:" + serve.matchedOptionValue("--keyset-dir", Path.of("")));
      Map<String, Object> secret = ((List<Map<String, Object>>) service.get("secrets")).get(0);
      assertThat("/run/secrets/" + secret.get("target")).isEqualTo(serve.matchedOptionValue("--master-key", Path.of("")).toString());

      List<TenantConfig> tenants = tenants(environment);
      for (TenantConfig tenant : tenants) {
        assertThat(tenant.database().host()).isEqualTo("postgres");
        assertThat(initSql).contains("CREATE DATABASE " + tenant.database().name() + ";");
      }
    }
    assertThat(coordination).as("one coordination database for every node").containsOnly(coordination.get(0));
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesRunsTwoNonRootReplicasThatLeaveTheLoadBalancerBeforeTheyDrain() throws Exception {
    Map<String, Object> deployment = null;
    for (Object document : yaml(DEPLOY.resolve("kubernetes").resolve("mailgate.yaml"))) {
      Map<String, Object> object = (Map<String, Object>) document;
      if ("Deployment".equals(object.get("kind"))) {
        deployment = object;
      }
    }
    assertThat(deployment).as("a Deployment").isNotNull();
    Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
    assertThat(spec.get("replicas")).isEqualTo(2);
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    Map<String, Object> security = (Map<String, Object>) pod.get("securityContext");
    assertThat(security.get("runAsNonRoot")).isEqualTo(true);
    assertThat((Integer) security.get("runAsUser")).isPositive();
    Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
    ParseResult serve = serve((List<String>) container.get("args"));
    Duration drain = serve.matchedOptionValue("--drain-timeout", Duration.ofSeconds(20));
    assertThat(path(container, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(path(container, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
    int preStop = (Integer) path(container, "lifecycle", "preStop", "sleep", "seconds");
    assertThat(preStop).as("preStop delay").isPositive();
    assertThat((Integer) pod.get("terminationGracePeriodSeconds")).as("terminationGracePeriodSeconds")
        .isGreaterThan(preStop + (int) drain.toSeconds() + 5);
    List<Object> mounts = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
        .map(mount -> mount.get("mountPath")).map(Object.class::cast).toList();
    assertThat(mounts).contains(serve.matchedOptionValue("--config", Path.of("")).toString(),
        serve.matchedOptionValue("--keyset-dir", Path.of("")).toString(),
        serve.matchedOptionValue("--master-key", Path.of("")).getParent().toString());
  }

  /** The {@code serve} arguments as the real command line parses them (unknown or missing options fail here). */
  private static ParseResult serve(List<String> arguments) {
    ParseResult parsed = new CommandLine(new Main()).parseArgs(arguments.toArray(String[]::new));
    assertThat(parsed.subcommand()).isNotNull();
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
    return parsed.subcommand();
  }

  private static List<TenantConfig> tenants(Map<String, String> environment) {
    LoadResult loaded = new TenantConfigLoader(environment::get).loadDirectory(DEPLOY.resolve("tenants"));
    assertThat(loaded.errors()).as("tenant file errors").isEmpty();
    assertThat(loaded.tenants()).isNotEmpty();
    return loaded.tenants();
  }

  /** Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, with POSTGRES_PASSWORD set as an operator would. */
  private static String interpolate(String value) {
    Map<String, String> operator = Map.of("POSTGRES_PASSWORD", "operator-password");
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement = operator.getOrDefault(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2));
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    return matcher.appendTail(out).toString();
  }

  /** A service with its {@code <<: *anchor} merged in (YAML 1.2 loaders leave merge keys to the reader). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> merged(Map<String, Object> service) {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (service.get("<<") instanceof Map<?, ?> base) {
      merged.putAll((Map<String, Object>) base);
    }
    service.forEach((key, value) -> {
      if (!"<<".equals(key)) {
        merged.put(key, value);
      }
    });
    return merged;
  }

  private static Duration seconds(String composeDuration) {
    assertThat(composeDuration).matches("\\d+s");
    return Duration.ofSeconds(Long.parseLong(composeDuration.substring(0, composeDuration.length() - 1)));
  }

  @SuppressWarnings("unchecked")
  private static Object path(Map<String, Object> root, String... keys) {
    Object at = root;
    for (String key : keys) {
      assertThat(at).as(String.join(".", keys)).isInstanceOf(Map.class);
      at = ((Map<String, Object>) at).get(key);
    }
    return at;
  }

  private static List<Object> yaml(Path file) throws Exception {
    List<Object> documents = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file)).forEach(documents::add);
    return documents;
  }
}
