package dev.mailgate.server.dev;

import dev.mailgate.server.sandbox.EmbeddedDatabase;
import com.icegreen.greenmail.util.GreenMail;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.tenant.config.ApiKeys;
import dev.mailgate.tenant.config.TenantConfig;
import java.io.PrintWriter;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What dev mode prints once it is ready: where it listens, the dev keys, and grpcurl lines to paste. */
final class DevBanner {

  /** The published dev keys of the example tenants (see tenant-config/tenants/README.md). */
  static final Map<String, String> DEV_KEYS = Map.of(
      "acme", "mgk_dev_acme_5f2c9a7e41d8",
      "globex", "mgk_dev_globex_b83e06d2c7a4");
  /** acme's published dev dashboard key (see tenant-config/tenants/README.md): it reads reports only. */
  static final String ACME_DASHBOARD_KEY = "mgd_dev_acme_7c41e09b2d5f";

  private final PrintWriter out;
  private final String host;
  private final int port;
  private final EmbeddedDatabase database;
  private final List<TenantConfig> tenants;
  private final Optional<ConnectionRecord> demo;
  private final GreenMail mailServer;
  private final String gmailRootUrl;

  DevBanner(PrintWriter out, String host, int port, EmbeddedDatabase database, List<TenantConfig> tenants,
      Optional<ConnectionRecord> demo, GreenMail mailServer, String gmailRootUrl) {
    this.mailServer = mailServer;
    this.gmailRootUrl = gmailRootUrl;
    this.out = out;
    this.host = host;
    this.port = port;
    this.database = database;
    this.tenants = tenants;
    this.demo = demo;
  }

  void print() {
    String address = host + ":" + port;
    out.printf("%nMailgate dev gateway ready on %s (gRPC over h2c, reflection on)%n", address);
    out.printf("  PostgreSQL (embedded) on %s:%d, one database per tenant%n", database.host(), database.port());
    out.printf("  Gmail sandbox API root %s (bearer: any unexpired JWT whose sub is the mailbox)%n", gmailRootUrl);
    long bench = tenants.stream().filter(t -> t.source().startsWith("bench")).count();
    if (bench > 0) {
      out.printf("  bench tenants: %d (%s .. %s), a schema each in database %s, api key mgk_bench_<tenant id>, user alice%n",
          bench, BenchTenants.id(0), BenchTenants.id((int) bench - 1), BenchTenants.DATABASE);
    }
    for (TenantConfig tenant : tenants) {
      if (tenant.source().startsWith("bench")) {
        continue;
      }
      out.printf("  tenant %-8s database %-18s api key %s%n", tenant.id(), tenant.database().name(),
          devKey(tenant).orElse("(not a published dev key)"));
    }
    for (TenantConfig tenant : tenants) {
      if (!tenant.source().startsWith("bench") && !tenant.allowedOrigins().isEmpty()) {
        out.printf("  browser pages (gRPC-Web) may call %s from %s (add more: --allow-origin ORIGIN)%n", tenant.id(),
            String.join(", ", tenant.allowedOrigins()));
      }
    }
    byte[] dashboardHash = ApiKeys.sha256(ACME_DASHBOARD_KEY);
    if (tenants.stream().anyMatch(t -> t.id().equals("acme")
        && t.dashboardKeys().stream().anyMatch(k -> MessageDigest.isEqual(k.sha256(), dashboardHash)))) {
      out.printf("  dashboard: http://%s/dashboard  (tenant acme, dashboard key %s: reads reports only)%n", address,
          ACME_DASHBOARD_KEY);
    }
    demo.ifPresent(connection -> out.printf(
        "  demo data in acme: users alice and bob; alice's connection %s (%s until she authorizes)%n",
        connection.id(), connection.status()));
    String key = DEV_KEYS.get("acme");
    String auth = "-H 'x-tenant-id: acme' -H 'authorization: Bearer " + key + "'";
    out.printf("%nTry:%n");
    out.printf("  grpcurl -plaintext %s list%n", address);
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"carol\",\"email\":\"carol@example.com\"}' %s mailgate.v1.UserService/CreateUser%n", auth, address);
    out.printf("  grpcurl -plaintext %s -d '{\"page_size\":10}' %s mailgate.v1.UserService/ListUsers%n", auth, address);
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\"}' %s mailgate.v1.ConnectionService/ListConnections%n", auth, address);
    demo.ifPresent(connection -> out.printf(
        "  grpcurl -plaintext %s -d '{\"user_id\":\"bob\",\"connection_id\":\"%s\"}' %s mailgate.v1.ConnectionService/GetConnection   # NOT_FOUND: not bob's%n",
        auth, connection.id(), address));
    out.printf("  grpcurl -plaintext -d '{}' %s grpc.health.v1.Health/Check%n", address);
    out.printf("%nConnect a sandbox mailbox (the local OAuth server's login page accepts any address):%n");
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\",\"provider\":\"PROVIDER_GMAIL\"}' %s mailgate.v1.ConnectionService/StartAuthorization%n", auth, address);
    out.printf("  open authorization_url in a browser, sign in as alice@example.com, then ListConnections shows it ACTIVE%n");
    out.printf("  alice's sandbox mailbox already holds three messages (one with a PDF attached):%n");
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\",\"connection_id\":\"-\",\"query\":\"has:attachment\"}' %s mailgate.v1.MailService/SearchMessages%n", auth, address);
    out.printf("%nWatch alice's mailboxes for new mail (one stream for all her connections; keep it open):%n");
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\",\"connection_id\":\"-\"}' %s mailgate.v1.MailService/WatchMailbox%n", auth, address);
    out.printf("  then, in another terminal, make mail arrive: once her Gmail is authorized (above), she mails herself:%n");
    demo.ifPresent(connection -> out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\",\"connection_id\":\"%s\",\"request_id\":\"hello-'$(date +%%s)'\",\"content\":{\"to\":[{\"address\":\"alice@example.com\"}],\"subject\":\"hello\",\"text_body\":\"hi\"}}' %s mailgate.v1.MailService/SendMessage%n",
        auth, connection.id(), address));
    out.printf("  or deliver to her IMAP mailbox over SMTP: printf 'Subject: hello\\r\\n\\r\\nhi\\r\\n' | curl -s smtp://127.0.0.1:%d --mail-from ada@example.org --mail-rcpt alice@example.com -T -%n",
        mailServer.getSmtp().getPort());
    out.printf("%nConnect alice's IMAP mailbox (GreenMail on loopback, plain IMAP %d / SMTP %d):%n",
        mailServer.getImap().getPort(), mailServer.getSmtp().getPort());
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\",\"email_address\":\"alice@example.com\",\"imap_host\":\"127.0.0.1\",\"imap_port\":%d,\"imap_security\":\"IMAP_SECURITY_NONE\",\"smtp_host\":\"127.0.0.1\",\"smtp_port\":%d,\"smtp_security\":\"IMAP_SECURITY_NONE\",\"username\":\"alice@example.com\",\"password\":\"%s\"}' %s mailgate.v1.ConnectionService/CreateImapConnection%n",
        auth, mailServer.getImap().getPort(), mailServer.getSmtp().getPort(), DemoMail.imapPassword("alice@example.com"), address);
    out.printf("%nPoint an MCP client (AI agent) at alice's mailboxes: mint a short-lived agent token, then use it as the bearer:%n");
    out.printf("  grpcurl -plaintext %s -d '{\"user_id\":\"alice\",\"scopes\":[\"AGENT_SCOPE_READ\",\"AGENT_SCOPE_DRAFT\"],\"ttl\":\"3600s\"}' %s mailgate.v1.AgentAccessService/CreateAgentToken%n", auth, address);
    out.printf("  MCP server (Streamable HTTP): http://%s/mcp  header  Authorization: Bearer <token, mga_...>%n", address);
    out.printf("  for example: npx @modelcontextprotocol/inspector --transport http --server-url http://%s/mcp --header \"Authorization: Bearer <token>\"%n", address);
    out.printf("  add AGENT_SCOPE_MODIFY and AGENT_SCOPE_SEND to let it archive, trash and send; RevokeAgentToken ends it at once%n");
    out.printf("%nPress Ctrl-C to stop.%n");
    out.flush();
  }

  private static Optional<String> devKey(TenantConfig tenant) {
    String key = DEV_KEYS.get(tenant.id());
    if (key == null) {
      return Optional.empty();
    }
    byte[] hash = ApiKeys.sha256(key);
    return tenant.apiKeys().stream().anyMatch(k -> MessageDigest.isEqual(k.sha256(), hash))
        ? Optional.of(key) : Optional.empty();
  }
}
