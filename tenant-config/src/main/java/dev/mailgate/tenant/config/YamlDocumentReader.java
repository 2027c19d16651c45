package dev.mailgate.tenant.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a tenant file into a YAML node tree. Working on nodes rather than Java objects keeps each
 * scalar's text as written, so {@code ${VAR}} substitution happens before any typing. Problems
 * (unreadable file, syntax error with line and column, empty or multi-document file) are recorded
 * in the context.
 */
final class YamlDocumentReader {

  private static final int MAX_ALIASES = 20;

  private YamlDocumentReader() {
  }

  static Optional<Node> read(ParseContext context) {
    String text;
    try {
      text = Files.readString(context.file(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      context.error("", "cannot read file (" + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
    LoadSettings settings = LoadSettings.builder()
        .setLabel(context.file().toString())
        .setSchema(new CoreSchema())
        .setMaxAliasesForCollections(MAX_ALIASES)
        .build();
    try {
      Optional<Node> document = new Compose(settings).composeString(text);
      if (document.isEmpty()) {
        context.error("", "file is empty; expected the tenant's settings as a YAML mapping");
      }
      return document;
    } catch (MarkedYamlEngineException e) {
      context.error("", syntaxError(e));
      return Optional.empty();
    } catch (YamlEngineException e) {
      context.error("", "invalid YAML: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The parser's problem and position, without the snippet of file content it would quote. */
  private static String syntaxError(MarkedYamlEngineException e) {
    String position = e.getProblemMark()
        .map(mark -> " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
        .orElse("");
    String context = e.getContext() == null || e.getContext().isBlank() ? "" : " (" + e.getContext() + ")";
    return "YAML syntax error" + position + ": " + e.getProblem() + context;
  }
}
