package dev.mailgate.server.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TenantMigrationsTest {

  @Test
  void latestVersionIsTheHighestMigrationFile() throws Exception {
    Pattern versioned = Pattern.compile("V(\\d+)__.*\\.sql");
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      int highest = files.map(file -> versioned.matcher(file.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .max().orElseThrow();
      assertThat(TenantMigrations.LATEST_VERSION).isEqualTo(Integer.toString(highest));
    }
  }
}
