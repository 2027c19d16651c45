package dev.mailgate.tenant.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Typed, path-aware reads from one YAML mapping. Unknown and duplicate keys are reported when the
 * reader is created; each read reports its own problems and returns empty on any of them, so a
 * file's errors are all collected in one pass. Empty values count as not set.
 */
final class MappingReader {

  private final ParseContext context;
  private final String path;
  private final Map<String, Node> values;

  private MappingReader(ParseContext context, String path, Map<String, Node> values) {
    this.context = context;
    this.path = path;
    this.values = values;
  }

  /** Reads {@code node} as a mapping that may contain only {@code allowedKeys}. */
  static Optional<MappingReader> of(ParseContext context, String path, Node node,
      List<String> allowedKeys) {
    if (!(node instanceof MappingNode mapping)) {
      context.error(path, "must be a mapping with keys " + String.join(", ", allowedKeys));
      return Optional.empty();
    }
    Map<String, Node> values = new LinkedHashMap<>();
    for (NodeTuple entry : mapping.getValue()) {
      if (!(entry.getKeyNode() instanceof ScalarNode keyNode)) {
        context.error(path, "keys must be plain names, not a " + ParseContext.kindOf(entry.getKeyNode()));
        continue;
      }
      String key = keyNode.getValue();
      String field = join(path, key);
      if (!allowedKeys.contains(key)) {
        context.error(field, "unknown key; expected one of " + String.join(", ", allowedKeys));
      } else if (values.containsKey(key)) {
        context.error(field, "duplicate key");
      } else {
        values.put(key, entry.getValueNode());
      }
    }
    return Optional.of(new MappingReader(context, path, values));
  }

  ParseContext context() {
    return context;
  }

  /** Dotted path of {@code key} in this mapping. */
  String field(String key) {
    return join(path, key);
  }

  boolean isSet(String key) {
    return !ParseContext.isAbsent(values.get(key));
  }

  /** The raw node under {@code key}, or null. */
  Node node(String key) {
    return values.get(key);
  }

  Optional<ScalarValue> scalar(String key, boolean required) {
    if (!isSet(key)) {
      return missing(key, required);
    }
    Optional<ScalarValue> value = context.scalar(field(key), values.get(key));
    if (value.isPresent() && value.get().text().isBlank()) {
      return missing(key, required);
    }
    return value;
  }

  Optional<String> string(String key, boolean required) {
    return scalar(key, required).map(value -> value.text().strip());
  }

  Optional<Integer> integer(String key, boolean required, int min, int max) {
    Optional<ScalarValue> scalar = scalar(key, required);
    if (scalar.isEmpty()) {
      return Optional.empty();
    }
    String text = scalar.get().text().strip();
    if (!text.matches("[-+]?[0-9]{1,10}")) {
      context.error(field(key), "must be an integer" + scalar.get().was());
      return Optional.empty();
    }
    long number = Long.parseLong(text);
    if (number < min || number > max) {
      context.error(field(key), "must be between " + min + " and " + max + scalar.get().was());
      return Optional.empty();
    }
    return Optional.of((int) number);
  }

  Optional<Boolean> bool(String key) {
    Optional<ScalarValue> scalar = scalar(key, false);
    if (scalar.isEmpty()) {
      return Optional.empty();
    }
    String text = scalar.get().text().strip().toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      context.error(field(key), "must be true or false" + scalar.get().was());
      return Optional.empty();
    }
    return Optional.of(text.equals("true"));
  }

  Optional<MappingReader> mapping(String key, boolean required, List<String> allowedKeys) {
    if (!isSet(key)) {
      return missing(key, required);
    }
    return of(context, field(key), values.get(key), allowedKeys);
  }

  Optional<List<Node>> list(String key, boolean required) {
    if (!isSet(key)) {
      return missing(key, required);
    }
    if (!(values.get(key) instanceof SequenceNode sequence)) {
      context.error(field(key), "must be a list, not a " + ParseContext.kindOf(values.get(key)));
      return Optional.empty();
    }
    return Optional.of(sequence.getValue());
  }

  private <T> Optional<T> missing(String key, boolean required) {
    if (required) {
      context.error(field(key), "is required");
    }
    return Optional.empty();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
