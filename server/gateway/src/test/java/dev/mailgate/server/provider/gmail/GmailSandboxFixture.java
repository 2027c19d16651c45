package dev.mailgate.server.provider.gmail;

import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.sandbox.ProviderSandbox;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The Gmail sandbox on a loopback port and a {@link GmailProvider} pointed at it, as the gateway builds it. */
final class GmailSandboxFixture implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final ProviderSandbox sandbox;
  final GmailProvider mail;

  GmailSandboxFixture() throws Exception {
    sandbox = ProviderSandbox.start(vertx).await(30, TimeUnit.SECONDS);
    mail = new GmailProvider(vertx, sandbox.baseUrl() + "/", 4, 200, OutboundTimeouts.DEFAULT);
  }

  GmailSandbox gmail() {
    return sandbox.gmail();
  }

  /** A new sandbox mailbox and a credential for it, as the local OAuth server would grant. */
  MailboxCredential newMailbox(String name) {
    String address = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@gmail.test";
    gmail().createMailbox(address);
    return new MailboxCredential(address, accessToken(address));
  }

  /** A JWT shaped like the local OAuth server's access tokens (the sandbox checks shape and expiry). */
  static String accessToken(String subject) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(new JsonObject().put("sub", subject)
        .put("exp", Instant.now().plusSeconds(3600).getEpochSecond()).encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + "." + b64.encodeToString("sig".getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    mail.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
