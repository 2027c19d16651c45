package dev.mailgate.tenant.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the {@code api_keys} list of a tenant file, and its {@code dashboard_keys} list (the keys
 * that sign in to the read-only dashboard), which has the same form. The file holds only SHA-256
 * hashes of the keys, so a value in {@code sha256} is never repeated in an error: it might be a
 * key pasted by mistake. A dashboard key must not also be an API key.
 */
final class ApiKeysParser {

  private static final List<String> KEYS = List.of("name", "sha256");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9A-Fa-f]{64}");

  private ApiKeysParser() {
  }

  /** The {@code api_keys}: required, at least one. */
  static List<ApiKey> parse(MappingReader root) {
    return parse(root, "api_keys", true, "api key");
  }

  /** The optional {@code dashboard_keys}; none of them may have the hash of one of {@code apiKeys}. */
  static List<ApiKey> parseDashboardKeys(MappingReader root, List<ApiKey> apiKeys) {
    List<ApiKey> keys = parse(root, "dashboard_keys", false, "dashboard key");
    for (int i = 0; i < keys.size(); i++) {
      ApiKey key = keys.get(i);
      if (apiKeys.stream().anyMatch(api -> java.security.MessageDigest.isEqual(api.sha256(), key.sha256()))) {
        root.context().error(root.field("dashboard_keys") + "[" + i + "].sha256",
            "same key hash as an api key: a dashboard key must be a key of its own");
      }
    }
    return keys;
  }

  private static List<ApiKey> parse(MappingReader root, String listName, boolean required, String what) {
    ParseContext context = root.context();
    Optional<List<Node>> items = root.list(listName, required);
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.get().isEmpty()) {
      context.error(root.field(listName), "must contain at least one key");
      return List.of();
    }
    List<ApiKey> keys = new ArrayList<>();
    Map<String, String> fieldByName = new HashMap<>();
    Map<String, String> fieldByHash = new HashMap<>();
    for (int i = 0; i < items.get().size(); i++) {
      String path = root.field(listName) + "[" + i + "]";
      Optional<MappingReader> item = MappingReader.of(context, path, items.get().get(i), KEYS);
      if (item.isEmpty()) {
        continue;
      }
      Optional<String> name = name(item.get());
      Optional<String> hash = hash(item.get());
      name.ifPresent(n -> unique(context, fieldByName, n, item.get().field("name"),
          "duplicate " + what + " name " + n));
      hash.ifPresent(h -> unique(context, fieldByHash, h, item.get().field("sha256"),
          "same key hash as another " + what));
      if (name.isPresent() && hash.isPresent()) {
        keys.add(new ApiKey(name.get(), HexFormat.of().parseHex(hash.get())));
      }
    }
    return keys;
  }

  private static Optional<String> name(MappingReader item) {
    Optional<ScalarValue> name = item.scalar("name", true);
    if (name.isPresent() && !NAME.matcher(name.get().text().strip()).matches()) {
      item.context().error(item.field("name"),
          "must be 1 to 64 letters, digits, '.', '_' or '-'" + name.get().was());
      return Optional.empty();
    }
    return name.map(value -> value.text().strip());
  }

  private static Optional<String> hash(MappingReader item) {
    Optional<String> hex = item.string("sha256", true);
    if (hex.isPresent() && !SHA256_HEX.matcher(hex.get()).matches()) {
      item.context().error(item.field("sha256"), "must be exactly 64 hex characters: the SHA-256 of"
          + " the key (printf %s KEY | sha256sum), never the key itself");
      return Optional.empty();
    }
    return hex.map(value -> value.toLowerCase(Locale.ROOT));
  }

  private static void unique(ParseContext context, Map<String, String> seen, String value,
      String field, String message) {
    String first = seen.putIfAbsent(value, field);
    if (first != null) {
      context.error(field, message + " (also " + first + ")");
    }
  }
}
