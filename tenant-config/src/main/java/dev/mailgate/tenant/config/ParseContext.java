package dev.mailgate.tenant.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** State of reading one tenant file: where it is, the environment, and the errors found so far. */
final class ParseContext {

  private final Path file;
  private final Path directory;
  private final Function<String, String> environment;
  private final List<TenantConfigError> errors = new ArrayList<>();

  ParseContext(Path file, Function<String, String> environment) {
    this.file = file;
    this.directory = file.toAbsolutePath().normalize().getParent();
    this.environment = environment;
  }

  Path file() {
    return file;
  }

  void error(String field, String message) {
    errors.add(new TenantConfigError(file, field, message));
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  List<TenantConfigError> errors() {
    return List.copyOf(errors);
  }

  /** The value of environment variable {@code name}, or null when it is unset. */
  String environmentValue(String name) {
    return environment.apply(name);
  }

  /** {@code path} resolved against the tenant file's directory; errors on an invalid path. */
  Optional<Path> resolveRelative(String field, String path) {
    try {
      return Optional.of(directory.resolve(path).normalize());
    } catch (InvalidPathException e) {
      error(field, "is not a valid file path");
      return Optional.empty();
    }
  }

  /**
   * A scalar node's text after variable substitution; empty (with an error recorded) when the
   * node is a mapping or list or substitution fails. The caller handles absent and null nodes.
   */
  Optional<ScalarValue> scalar(String field, Node node) {
    if (!(node instanceof ScalarNode scalar)) {
      error(field, "must be a single value, not a " + kindOf(node));
      return Optional.empty();
    }
    VariableSubstitution.Result result = VariableSubstitution.apply(scalar.getValue(), environment);
    if (result.error() != null) {
      error(field, result.error());
      return Optional.empty();
    }
    return Optional.of(result.value());
  }

  static boolean isAbsent(Node node) {
    return node == null || node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  static String kindOf(Node node) {
    if (node instanceof MappingNode) {
      return "mapping";
    }
    return node instanceof ScalarNode ? "single value" : "list";
  }
}
