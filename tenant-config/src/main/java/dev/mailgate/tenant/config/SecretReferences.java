package dev.mailgate.tenant.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;

/**
 * Resolves secret fields, which are only accepted as {@code {env: NAME}} (an environment
 * variable) or {@code {file: PATH}} (a file relative to the tenant file, content trimmed). Error
 * messages name the variable or file, never the value.
 */
final class SecretReferences {

  static final String INLINE_REJECTED =
      "secrets must not be inline; use {env: NAME} or {file: PATH}";

  private static final List<String> KEYS = List.of("env", "file");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SecretReferences() {
  }

  /**
   * Reads the secret under {@code key}; required.
   *
   * @param allowEmpty whether an empty value is acceptable (database passwords of trust-auth
   *                   development databases)
   */
  static Optional<Secret> read(MappingReader parent, String key, boolean allowEmpty) {
    ParseContext context = parent.context();
    String field = parent.field(key);
    if (!parent.isSet(key)) {
      context.error(field, "is required; use {env: NAME} or {file: PATH}");
      return Optional.empty();
    }
    if (!(parent.node(key) instanceof MappingNode)) {
      context.error(field, INLINE_REJECTED);
      return Optional.empty();
    }
    Optional<MappingReader> reference = parent.mapping(key, true, KEYS);
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    MappingReader ref = reference.get();
    if (ref.isSet("env") == ref.isSet("file")) {
      context.error(field, "must have exactly one of env or file");
      return Optional.empty();
    }
    Optional<Secret> secret = ref.isSet("env")
        ? ref.string("env", true).flatMap(name -> fromEnvironment(context, field, name))
        : ref.string("file", true).flatMap(path -> fromFile(context, field, path));
    if (secret.isPresent() && secret.get().isEmpty() && !allowEmpty) {
      context.error(field, "must not be empty");
      return Optional.empty();
    }
    return secret;
  }

  private static Optional<Secret> fromEnvironment(ParseContext context, String field, String name) {
    if (!VARIABLE_NAME.matcher(name).matches()) {
      context.error(field, "env must be an environment variable name (letters, digits, '_')");
      return Optional.empty();
    }
    String value = context.environmentValue(name);
    if (value == null) {
      context.error(field, "environment variable " + name + " is not set");
      return Optional.empty();
    }
    return Optional.of(Secret.of(value));
  }

  private static Optional<Secret> fromFile(ParseContext context, String field, String path) {
    Optional<Path> resolved = context.resolveRelative(field, path);
    if (resolved.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Secret.of(Files.readString(resolved.get(), StandardCharsets.UTF_8).strip()));
    } catch (IOException e) {
      context.error(field, "cannot read secret file " + path + " (" + resolved.get() + ": "
          + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
  }
}
