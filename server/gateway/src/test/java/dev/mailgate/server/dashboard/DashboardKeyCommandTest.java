package dev.mailgate.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.cli.KeysCommand;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.tenant.config.TenantConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mailgate keys create-dashboard-key}: a new key shown once, and the tenant-file entry that accepts it. */
class DashboardKeyCommandTest {

  @TempDir
  Path dir;

  @Test
  void printsANewKeyAndTheDashboardKeysEntryThatHoldsOnlyItsHash() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new KeysCommand()).setOut(new PrintWriter(out));
    assertThat(command.execute("create-dashboard-key", "--name", "ops")).isZero();

    Matcher key = Pattern.compile("^  (mgd_[A-Za-z0-9_-]{43})$", Pattern.MULTILINE).matcher(out.toString());
    assertThat(key.find()).as(out.toString()).isTrue();
    String entry = out.toString().substring(out.toString().indexOf("dashboard_keys:"));
    assertThat(entry).doesNotContain(key.group(1));
    Path file = dir.resolve("acme.yaml");
    Files.writeString(file, """
        id: acme
        database: { host: db.example.internal, port: 5432, name: mailgate_acme, user: mailgate, password: { env: PW } }
        api_keys:
          - name: backend
            sha256: 0000000000000000000000000000000000000000000000000000000000000000
        """ + entry);
    TenantConfig tenant = new TenantConfigLoader(Map.of("PW", "")::get).loadFile(file);
    assertThat(tenant.dashboardKeys()).singleElement().satisfies(k -> {
      assertThat(k.name()).isEqualTo("ops");
      assertThat(k.matches(key.group(1))).isTrue();
    });

    StringWriter second = new StringWriter();
    new CommandLine(new KeysCommand()).setOut(new PrintWriter(second)).execute("create-dashboard-key", "--name", "ops");
    assertThat(second.toString()).doesNotContain(key.group(1));
    assertThat(new CommandLine(new KeysCommand()).setErr(new PrintWriter(new StringWriter()))
        .execute("create-dashboard-key", "--name", "no spaces")).isNotZero();
  }
}
