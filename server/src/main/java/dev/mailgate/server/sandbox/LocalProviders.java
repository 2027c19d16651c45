package dev.mailgate.server.sandbox;

import dev.mailgate.server.oauth.OAuthEndpoints;
import dev.mailgate.server.oauth.OAuthProviders;
import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * Google and Microsoft on loopback: a real OAuth2 server (no.nav.security mock-oauth2-server,
 * issuers {@code google} and {@code microsoft}, PKCE checked, refresh tokens rotated) and the
 * {@link ProviderSandbox} for the provider APIs, and GreenMail as the IMAP/SMTP server. With {@code interactiveLogin} its authorize step
 * shows a login form a person (or headless Chromium) fills in; without, it grants at once.
 */
public final class LocalProviders implements AutoCloseable {

  private final MockOAuth2Server oauth;
  private final ProviderSandbox sandbox;
  private final GreenMail mailServer;

  private LocalProviders(MockOAuth2Server oauth, ProviderSandbox sandbox, GreenMail mailServer) {
    this.oauth = oauth;
    this.sandbox = sandbox;
    this.mailServer = mailServer;
  }

  /** Starts both servers. Blocking: call it from a main or test thread, not an event loop. */
  public static LocalProviders start(Vertx vertx, boolean interactiveLogin) throws Exception {
    MockOAuth2Server oauth = new MockOAuth2Server(new OAuth2Config(interactiveLogin, null, null, true));
    oauth.start(0);
    ProviderSandbox sandbox = ProviderSandbox.start(vertx).await(30, TimeUnit.SECONDS);
    GreenMail mailServer = new GreenMail(new ServerSetup[] {
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort()});
    mailServer.start();
    return new LocalProviders(oauth, sandbox, mailServer);
  }

  /** The providers' endpoints, every one on loopback. */
  public OAuthProviders endpoints() {
    return OAuthProviders.defaults()
        .with(ProviderKind.GMAIL, OAuthEndpoints.google().at(
            oauth.authorizationEndpointUrl("google").toString(),
            oauth.tokenEndpointUrl("google").toString(),
            Optional.of(oauth.revocationEndpointUrl("google").toString()),
            sandbox.baseUrl() + ProviderSandbox.GMAIL_PROFILE))
        .with(ProviderKind.OUTLOOK, OAuthEndpoints.microsoft().at(
            oauth.authorizationEndpointUrl("microsoft").toString(),
            oauth.tokenEndpointUrl("microsoft").toString(),
            Optional.empty(),
            sandbox.baseUrl() + ProviderSandbox.GRAPH_ME));
  }

  /** The Gmail API root URL (the sandbox), for google-api-services-gmail's setRootUrl. */
  public String gmailRootUrl() {
    return sandbox.baseUrl() + "/";
  }

  /** Microsoft Graph's root URL (the sandbox). */
  public String graphRootUrl() {
    return sandbox.baseUrl();
  }

  /** The IMAP/SMTP server (GreenMail, plain, on loopback); add mailboxes with {@code setUser}. */
  public GreenMail mailServer() {
    return mailServer;
  }

  public MockOAuth2Server oauthServer() {
    return oauth;
  }

  public ProviderSandbox sandbox() {
    return sandbox;
  }

  @Override
  public void close() throws Exception {
    sandbox.close().await(10, TimeUnit.SECONDS);
    oauth.shutdown();
    mailServer.stop();
  }
}
