package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Turns the YAML document of one tenant file into a {@link TenantConfig}, recording every problem
 * in the {@link ParseContext} rather than stopping at the first.
 */
final class TenantFileParser {

  private static final List<String> KEYS = List.of("id", "database", "api_keys", "oauth_clients",
      "allowed_return_urls", "token_keyset", "rate_limits", "egress", "events", "allowed_origins", "dashboard_keys", "audit");
  private static final List<String> EVENTS_KEYS = List.of("retention_days");
  private static final List<String> AUDIT_KEYS = List.of("retention_days");
  private static final List<String> FILE_REFERENCE_KEYS = List.of("file");
  private static final List<String> RATE_LIMIT_KEYS = List.of("requests_per_second", "burst", "per_user",
      "max_in_flight");
  private static final List<String> PER_USER_KEYS = List.of("requests_per_second", "burst");
  private static final int MAX_IN_FLIGHT = 100_000;
  private static final List<String> EGRESS_KEYS = List.of("allow");
  private static final int MAX_RATE = 1_000_000;

  private final ParseContext context;

  TenantFileParser(ParseContext context) {
    this.context = context;
  }

  /** The tenant, or empty when the file has any error (then recorded in the context). */
  Optional<TenantConfig> parse(Node document) {
    Optional<MappingReader> reader = MappingReader.of(context, "", document, KEYS);
    if (reader.isEmpty()) {
      return Optional.empty();
    }
    MappingReader root = reader.get();
    Optional<String> id = id(root);
    Optional<DatabaseConfig> database = DatabaseConfigParser.parse(root);
    List<ApiKey> apiKeys = ApiKeysParser.parse(root);
    List<ApiKey> dashboardKeys = ApiKeysParser.parseDashboardKeys(root, apiKeys);
    Map<OAuthProvider, OAuthClientConfig> oauthClients = OAuthClientsParser.parse(root);
    List<String> returnUrls = allowedReturnUrls(root);
    Optional<Path> tokenKeyset = tokenKeyset(root);
    Optional<RateLimits> rateLimits = rateLimits(root);
    EgressConfig egress = egress(root);
    EventsConfig events = events(root);
    List<String> origins = allowedOrigins(root);
    AuditConfig audit = audit(root);
    if (context.hasErrors() || id.isEmpty() || database.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TenantConfig(id.get(), database.get(), apiKeys, oauthClients,
        returnUrls, tokenKeyset, rateLimits, context.file(), egress, events, origins, dashboardKeys, audit));
  }

  private Optional<String> id(MappingReader root) {
    Optional<ScalarValue> id = root.scalar("id", true);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    String text = id.get().text().strip();
    if (!TenantConfig.TENANT_ID.matcher(text).matches()) {
      context.error("id", "must be 1 to 63 lowercase letters, digits or '-', starting with a letter"
          + " or digit" + id.get().was());
      return Optional.empty();
    }
    String expected = fileNameWithoutExtension(context.file());
    if (!text.equals(expected)) {
      context.error("id", "must equal the file name without extension, \"" + expected + "\""
          + id.get().was());
      return Optional.empty();
    }
    return Optional.of(text);
  }

  private List<String> allowedReturnUrls(MappingReader root) {
    List<String> urls = new ArrayList<>();
    List<Node> items = root.list("allowed_return_urls", false).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      String field = root.field("allowed_return_urls") + "[" + i + "]";
      if (ParseContext.isAbsent(items.get(i))) {
        context.error(field, "must not be empty");
        continue;
      }
      context.scalar(field, items.get(i)).ifPresent(url -> {
        if (HttpUrls.isAbsoluteHttpUrl(url.text().strip())) {
          urls.add(url.text().strip());
        } else {
          context.error(field, HttpUrls.REQUIREMENT + url.was());
        }
      });
    }
    return urls;
  }

  /** Absent: no browser page may call. Each entry must be an origin; duplicates (after canonical form) are errors. */
  private List<String> allowedOrigins(MappingReader root) {
    List<String> origins = new ArrayList<>();
    List<Node> items = root.list("allowed_origins", false).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      String field = root.field("allowed_origins") + "[" + i + "]";
      if (ParseContext.isAbsent(items.get(i))) {
        context.error(field, "must not be empty");
        continue;
      }
      context.scalar(field, items.get(i)).ifPresent(origin -> {
        try {
          String canonical = BrowserOrigin.canonical(origin.text());
          if (origins.contains(canonical)) {
            context.error(field, "repeats an earlier origin" + origin.was());
          } else {
            origins.add(canonical);
          }
        } catch (IllegalArgumentException invalid) {
          context.error(field, invalid.getMessage() + origin.was());
        }
      });
    }
    return origins;
  }

  private Optional<Path> tokenKeyset(MappingReader root) {
    return root.mapping("token_keyset", false, FILE_REFERENCE_KEYS)
        .flatMap(reference -> reference.string("file", true)
            .flatMap(path -> context.resolveRelative(reference.field("file"), path)));
  }

  /** Absent: not limited. Present: a tenant bucket (50/s, burst 100 unless set), optionally more. */
  private Optional<RateLimits> rateLimits(MappingReader root) {
    return root.mapping("rate_limits", false, RATE_LIMIT_KEYS).map(limits -> {
      RateLimits.Rate tenant = new RateLimits.Rate(
          limits.integer("requests_per_second", false, 1, MAX_RATE).orElse(RateLimits.DEFAULT_REQUESTS_PER_SECOND),
          limits.integer("burst", false, 1, MAX_RATE).orElse(RateLimits.DEFAULT_BURST));
      Optional<RateLimits.Rate> perUser = limits.mapping("per_user", false, PER_USER_KEYS).flatMap(user -> {
        Optional<Integer> rate = user.integer("requests_per_second", true, 1, MAX_RATE);
        Optional<Integer> burst = user.integer("burst", true, 1, MAX_RATE);
        return rate.isPresent() && burst.isPresent()
            ? Optional.of(new RateLimits.Rate(rate.get(), burst.get())) : Optional.empty();
      });
      perUser.ifPresent(user -> {
        if (user.requestsPerSecond() > tenant.requestsPerSecond()) {
          limits.context().error(limits.field("per_user") + ".requests_per_second",
              "must not exceed the tenant's requests_per_second (" + tenant.requestsPerSecond() + ")");
        }
        if (user.burst() > tenant.burst()) {
          limits.context().error(limits.field("per_user") + ".burst",
              "must not exceed the tenant's burst (" + tenant.burst() + ")");
        }
      });
      OptionalInt maxInFlight = limits.integer("max_in_flight", false, 1, MAX_IN_FLIGHT)
          .map(OptionalInt::of).orElse(OptionalInt.empty());
      return new RateLimits(tenant, perUser, maxInFlight);
    });
  }

  private EgressConfig egress(MappingReader root) {
    List<IpRange> allow = new ArrayList<>();
    root.mapping("egress", false, EGRESS_KEYS).ifPresent(egress -> {
      List<Node> items = egress.list("allow", false).orElse(List.of());
      for (int i = 0; i < items.size(); i++) {
        String field = egress.field("allow") + "[" + i + "]";
        if (ParseContext.isAbsent(items.get(i))) {
          context.error(field, "must not be empty");
          continue;
        }
        context.scalar(field, items.get(i)).ifPresent(range -> {
          try {
            allow.add(IpRange.parse(range.text()));
          } catch (IllegalArgumentException invalid) {
            context.error(field, invalid.getMessage() + range.was());
          }
        });
      }
    });
    return new EgressConfig(allow);
  }

  /** Absent: events are kept {@link EventsConfig#DEFAULT_RETENTION_DAYS} days. */
  private EventsConfig events(MappingReader root) {
    return root.mapping("events", false, EVENTS_KEYS)
        .flatMap(events -> events.integer("retention_days", false, 1, EventsConfig.MAX_RETENTION_DAYS))
        .map(EventsConfig::new)
        .orElse(EventsConfig.defaults());
  }

  /** Absent: the audit trail is kept {@link AuditConfig#DEFAULT_RETENTION_DAYS} days. */
  private AuditConfig audit(MappingReader root) {
    return root.mapping("audit", false, AUDIT_KEYS)
        .flatMap(audit -> audit.integer("retention_days", false, 1, AuditConfig.MAX_RETENTION_DAYS))
        .map(AuditConfig::new)
        .orElse(AuditConfig.defaults());
  }

  static String fileNameWithoutExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
