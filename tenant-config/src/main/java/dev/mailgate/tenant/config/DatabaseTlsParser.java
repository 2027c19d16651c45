package dev.mailgate.tenant.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;

/**
 * Reads {@code database.ssl}: {@code true} / {@code false} as before, or
 * {@code { mode: disable | require | verify-full, root_cert: { file: PATH } }}, where
 * {@code verify-full} needs the CA file (relative paths are relative to the tenant file).
 */
final class DatabaseTlsParser {

  private static final List<String> KEYS = List.of("mode", "root_cert");
  private static final List<String> ROOT_CERT_KEYS = List.of("file");

  private DatabaseTlsParser() {
  }

  /** The TLS settings; {@link DatabaseTls#DISABLED} when unset or wrong (the error is recorded). */
  static DatabaseTls parse(MappingReader database) {
    if (!(database.node("ssl") instanceof MappingNode)) {
      return database.bool("ssl").filter(Boolean::booleanValue).map(on -> DatabaseTls.REQUIRED)
          .orElse(DatabaseTls.DISABLED);
    }
    Optional<MappingReader> section = database.mapping("ssl", false, KEYS);
    if (section.isEmpty()) {
      return DatabaseTls.DISABLED;
    }
    MappingReader ssl = section.get();
    Optional<DatabaseTls.Mode> mode = ssl.scalar("mode", true).flatMap(value -> mode(ssl, value));
    Optional<Path> rootCert = ssl.mapping("root_cert", false, ROOT_CERT_KEYS)
        .flatMap(cert -> cert.string("file", true).flatMap(path -> readableFile(cert, path)));
    if (mode.isEmpty()) {
      return DatabaseTls.DISABLED;
    }
    if (mode.get() == DatabaseTls.Mode.VERIFY_FULL) {
      if (rootCert.isEmpty()) {
        if (!ssl.isSet("root_cert")) {
          ssl.context().error(ssl.field("root_cert"), "is required with mode verify-full");
        }
        return DatabaseTls.DISABLED;
      }
      return DatabaseTls.verifyFull(rootCert.get());
    }
    if (ssl.isSet("root_cert")) {
      ssl.context().error(ssl.field("root_cert"), "is used only with mode verify-full");
    }
    return mode.get() == DatabaseTls.Mode.REQUIRE ? DatabaseTls.REQUIRED : DatabaseTls.DISABLED;
  }

  private static Optional<DatabaseTls.Mode> mode(MappingReader ssl, ScalarValue value) {
    Optional<DatabaseTls.Mode> mode = Arrays.stream(DatabaseTls.Mode.values())
        .filter(candidate -> candidate.sslmode().equals(value.text().strip()))
        .findFirst();
    if (mode.isEmpty()) {
      ssl.context().error(ssl.field("mode"), "must be disable, require or verify-full" + value.was());
    }
    return mode;
  }

  private static Optional<Path> readableFile(MappingReader cert, String path) {
    Optional<Path> resolved = cert.context().resolveRelative(cert.field("file"), path);
    if (resolved.isPresent() && !Files.isReadable(resolved.get())) {
      cert.context().error(cert.field("file"), "cannot read certificate file " + path);
      return Optional.empty();
    }
    return resolved.map(Path::toAbsolutePath);
  }
}
