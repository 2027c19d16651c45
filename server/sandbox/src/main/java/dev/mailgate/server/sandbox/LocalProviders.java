package dev.mailgate.server.sandbox;

import io.vertx.core.Vertx;
import java.time.Clock;
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
  /** The sandbox in this process, or null when one runs in a process of its own. */
  private final ProviderSandbox sandbox;
  private final String sandboxBaseUrl;
  private final GreenMail mailServer;

  private LocalProviders(MockOAuth2Server oauth, ProviderSandbox sandbox, String sandboxBaseUrl, GreenMail mailServer) {
    this.oauth = oauth;
    this.sandbox = sandbox;
    this.sandboxBaseUrl = sandboxBaseUrl;
    this.mailServer = mailServer;
  }

  /** Starts both servers. Blocking: call it from a main or test thread, not an event loop. */
  public static LocalProviders start(Vertx vertx, boolean interactiveLogin) throws Exception {
    return start(vertx, interactiveLogin, Optional.empty());
  }

  /**
   * With {@code externalSandbox} (the base URL of a {@code mailgate sandbox} process), the provider
   * APIs are that process's and none is started here, so that each process's CPU is its own.
   */
  public static LocalProviders start(Vertx vertx, boolean interactiveLogin, Optional<String> externalSandbox)
      throws Exception {
    return start(vertx, interactiveLogin, externalSandbox, Clock.systemUTC());
  }

  /** As {@link #start(Vertx, boolean, Optional)}, with the sandbox dating what it stores by {@code clock}. */
  public static LocalProviders start(Vertx vertx, boolean interactiveLogin, Optional<String> externalSandbox,
      Clock clock) throws Exception {
    MockOAuth2Server oauth = new MockOAuth2Server(new OAuth2Config(interactiveLogin, null, null, true));
    oauth.start(0);
    ProviderSandbox sandbox = externalSandbox.isPresent() ? null
        : ProviderSandbox.start(vertx, ProviderSandbox.LOOPBACK, 0, clock).await(30, TimeUnit.SECONDS);
    String baseUrl = externalSandbox.map(url -> url.replaceAll("/+$", "")).orElseGet(() -> sandbox.baseUrl());
    GreenMail mailServer = new GreenMail(new ServerSetup[] {
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort()});
    mailServer.start();
    return new LocalProviders(oauth, sandbox, baseUrl, mailServer);
  }

  /** Google's stand-ins: issuer {@code google} of the OAuth server and the Gmail sandbox's profile call. */
  public LocalEndpoints google() {
    return new LocalEndpoints(oauth.authorizationEndpointUrl("google").toString(),
        oauth.tokenEndpointUrl("google").toString(), Optional.of(oauth.revocationEndpointUrl("google").toString()),
        sandboxBaseUrl + ProviderSandbox.GMAIL_PROFILE);
  }

  /** Microsoft's stand-ins: issuer {@code microsoft} of the OAuth server (no revocation) and Graph's /me. */
  public LocalEndpoints microsoft() {
    return new LocalEndpoints(oauth.authorizationEndpointUrl("microsoft").toString(),
        oauth.tokenEndpointUrl("microsoft").toString(), Optional.empty(), sandboxBaseUrl + ProviderSandbox.GRAPH_ME);
  }

  /**
   * Both providers' endpoints in the format of {@code mailgate serve --oauth-endpoint}
   * ({@code gmail.token=URL}, {@code outlook.profile=URL}, ...): what the gateway is pointed at.
   */
  public java.util.Map<String, String> oauthEndpoints() {
    java.util.Map<String, String> endpoints = new java.util.LinkedHashMap<>(google().asOAuthEndpoints("gmail"));
    endpoints.putAll(microsoft().asOAuthEndpoints("outlook"));
    return endpoints;
  }

  /** The Gmail API root URL (the sandbox), for google-api-services-gmail's setRootUrl. */
  public String gmailRootUrl() {
    return sandboxBaseUrl + "/";
  }

  /**
   * Where the Gmail sandbox publishes the keys of its Pub/Sub push tokens (Google's
   * {@code /oauth2/v1/certs} format): the gateway's {@code WatchPolicy.gmailPushCertsUrl}.
   */
  public String gmailPushCertsUrl() {
    return sandboxBaseUrl + dev.mailgate.server.sandbox.gmail.GmailSandbox.PUSH_CERTS_PATH;
  }

  /**
   * Makes the Gmail sandbox deliver watched mailboxes' push notifications to {@code endpointUrl}
   * (the gateway's {@code /push/gmail}) with tokens for {@code audience}; call it once the gateway
   * listens. Only for the sandbox in this process.
   */
  public void pushGmailTo(String endpointUrl, String audience) {
    if (sandbox == null) {
      throw new IllegalStateException("the Gmail sandbox runs in another process");
    }
    sandbox.gmail().pushTo(endpointUrl, audience);
  }

  /** Microsoft Graph's root URL (the sandbox). */
  public String graphRootUrl() {
    return sandboxBaseUrl;
  }

  /** The IMAP/SMTP server (GreenMail, plain, on loopback); add mailboxes with {@code setUser}. */
  public GreenMail mailServer() {
    return mailServer;
  }

  public MockOAuth2Server oauthServer() {
    return oauth;
  }

  /**
   * Lets go of the requests the OAuth server has answered. It keeps every one for tests to take
   * ({@link MockOAuth2Server#takeRequest}), which in a long-running dev gateway grows without end
   * (30,000 requests after 10,000 connects); a daemon thread takes them as they come.
   */
  public LocalProviders discardRecordedRequests() {
    Thread drain = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          oauth.takeRequest(1, TimeUnit.MINUTES);
        } catch (RuntimeException noneWithinTheMinute) {
          // nothing arrived: wait again
        }
      }
    }, "oauth-recorded-requests");
    drain.setDaemon(true);
    drain.start();
    return this;
  }

  /** The sandbox in this process (null when it runs in a process of its own). */
  public ProviderSandbox sandbox() {
    return sandbox;
  }

  @Override
  public void close() throws Exception {
    if (sandbox != null) {
      sandbox.close().await(10, TimeUnit.SECONDS);
    }
    oauth.shutdown();
    mailServer.stop();
  }
}
