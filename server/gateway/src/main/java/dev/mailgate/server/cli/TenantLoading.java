package dev.mailgate.server.cli;

import dev.mailgate.tenant.config.LoadResult;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.tenant.config.TenantConfigError;
import dev.mailgate.tenant.config.TenantConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;

/** Loads a tenant directory for a command: bad files are reported and skipped, none at all is fatal. */
public final class TenantLoading {

  private TenantLoading() {}

  public static List<TenantConfig> load(CommandLine.Model.CommandSpec spec, Path dir,
      Function<String, String> environment) {
    LoadResult result = new TenantConfigLoader(environment).loadDirectory(dir);
    for (TenantConfigError error : result.errors()) {
      spec.commandLine().getErr().println("tenant config error (tenant skipped): " + error);
    }
    if (result.tenants().isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "no valid tenant configuration in " + dir);
    }
    return result.tenants();
  }
}
