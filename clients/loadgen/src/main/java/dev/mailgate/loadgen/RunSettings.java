package dev.mailgate.loadgen;

import java.time.Duration;

/**
 * Everything {@code run} needs besides the load: where each target is and what to call.
 *
 * @param address the gateway's host:port
 * @param baselineAddress the grpc-java baseline's host:port (target grpc-java)
 * @param tenant the x-tenant-id, or a {@link String#format} pattern when {@code tenantCount > 1}
 * @param apiKey the API key, or a pattern likewise
 * @param tenantCount how many tenants the gateway calls go to, round-robin
 * @param pgUrl the tenant database (target direct)
 * @param pgPoolSize connections of the direct target
 * @param rpc the RPC to load
 * @param query search: the Gmail query
 * @param pageSize search: page size
 * @param gmailRootUrl search, target gmail-direct: the Gmail API root (the dev sandbox's)
 * @param gmailThreads search, target gmail-direct: the blocking-call pool (the gateway's is 16)
 * @param mailbox search: the user's Gmail address
 * @param connectionId search: the user's Gmail connection, or null to connect it through the dev OAuth flow
 * @param pgSchemaPerTenant target direct: the tenants are schemas of the database (bench tenants); each call puts
 *     its connection on the next tenant's schema first, as the gateway does for tenants sharing a database
 * @param bareVertxAddress the bare Vert.x gRPC server's host:port (target bare-vertx)
 */
public record RunSettings(
    String address,
    String baselineAddress,
    String tenant,
    String apiKey,
    int tenantCount,
    String user,
    String pgUrl,
    int pgPoolSize,
    Duration timeout,
    RpcKind rpc,
    String query,
    int pageSize,
    String gmailRootUrl,
    int gmailThreads,
    String mailbox,
    String connectionId,
    boolean pgSchemaPerTenant,
    String bareVertxAddress) {

  /** A fresh round-robin over the tenants (each target starts at tenant 0). */
  public Tenants tenants() {
    return Tenants.of(tenant, apiKey, tenantCount);
  }

  public RunSettings withTenants(String tenantPattern, String apiKeyPattern, int count) {
    return new RunSettings(address, baselineAddress, tenantPattern, apiKeyPattern, count, user, pgUrl, pgPoolSize,
        timeout, rpc, query, pageSize, gmailRootUrl, gmailThreads, mailbox, connectionId, pgSchemaPerTenant, bareVertxAddress);
  }

  public RunSettings withRpc(RpcKind kind) {
    return new RunSettings(address, baselineAddress, tenant, apiKey, tenantCount, user, pgUrl, pgPoolSize,
        timeout, kind, query, pageSize, gmailRootUrl, gmailThreads, mailbox, connectionId, pgSchemaPerTenant, bareVertxAddress);
  }

  public RunSettings withConnectionId(String id) {
    return new RunSettings(address, baselineAddress, tenant, apiKey, tenantCount, user, pgUrl, pgPoolSize,
        timeout, rpc, query, pageSize, gmailRootUrl, gmailThreads, mailbox, id, pgSchemaPerTenant, bareVertxAddress);
  }

  public RunSettings withBaselineAddress(String hostPort) {
    return new RunSettings(address, hostPort, tenant, apiKey, tenantCount, user, pgUrl, pgPoolSize,
        timeout, rpc, query, pageSize, gmailRootUrl, gmailThreads, mailbox, connectionId, pgSchemaPerTenant, bareVertxAddress);
  }

  public RunSettings withBareVertxAddress(String hostPort) {
    return new RunSettings(address, baselineAddress, tenant, apiKey, tenantCount, user, pgUrl, pgPoolSize,
        timeout, rpc, query, pageSize, gmailRootUrl, gmailThreads, mailbox, connectionId, pgSchemaPerTenant, hostPort);
  }

  /** The direct target on the tenants' schemas (see {@code pgSchemaPerTenant}). */
  public RunSettings withPgSchemas(String url) {
    return new RunSettings(address, baselineAddress, tenant, apiKey, tenantCount, user, url, pgPoolSize,
        timeout, rpc, query, pageSize, gmailRootUrl, gmailThreads, mailbox, connectionId, true, bareVertxAddress);
  }

  /** host:port to host and port. */
  static HostPort hostPort(String option, String address) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(option + " must be host:port");
    }
    return new HostPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
  }

  record HostPort(String host, int port) {}
}
