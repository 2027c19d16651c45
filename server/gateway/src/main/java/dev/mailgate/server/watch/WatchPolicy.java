package dev.mailgate.server.watch;

import java.time.Duration;
import java.util.Optional;

/**
 * How the gateway watches connected mailboxes for changes.
 *
 * @param enabled whether ACTIVE connections are watched at all
 * @param pollInterval how often each watched connection's change feed is read even without a push
 *     (the safety net for lost pushes, and the only way for providers or gateways without push)
 * @param refreshInterval how often each tenant's list of connections to watch is read again (a
 *     connection authorized or changing status on this gateway is picked up at once; the refresh
 *     finds the changes made elsewhere)
 * @param concurrency how many change-feed reads run at once on this gateway
 * @param publicUrl the gateway's URL as providers reach it ({@code https://...}), where push
 *     notifications are delivered; empty: no push, polling only
 * @param gmailTopic the Pub/Sub topic ({@code projects/P/topics/T}) that Gmail's {@code
 *     users.watch} publishes to; its push subscription delivers to {@code publicUrl}/push/gmail
 * @param gmailPushAudience the audience of the OIDC token Pub/Sub signs each push with (as
 *     configured on the push subscription); empty: {@code publicUrl}/push/gmail
 * @param gmailPushCertsUrl where Google publishes the keys that sign those tokens (the sandbox's in
 *     dev mode and tests)
 * @param gmailPushServiceAccount the service account the push subscription authenticates as: a
 *     token is taken only if its verified {@code email} claim is exactly this; empty: no Gmail push
 *     (Gmail connections are polled), since any Google-signed token for the audience would do
 * @param pushPollInterval how often a connection whose push subscription is healthy, or whose IMAP
 *     IDLE runs, is read even without a push: pushes get lost, so a poll still runs, but far less
 *     often than {@code pollInterval} (10,000 connections read every 2 minutes cost ~80 provider
 *     reads a second with no mail at all)
 * @param imapIdleMax how many IMAP mailboxes may idle at once on this gateway (each holds a
 *     connection and a thread); beyond it they are polled every {@code pollInterval}
 */
public record WatchPolicy(boolean enabled, Duration pollInterval, Duration refreshInterval, int concurrency,
    Optional<String> publicUrl, Optional<String> gmailTopic, Optional<String> gmailPushAudience,
    String gmailPushCertsUrl, Optional<String> gmailPushServiceAccount, Duration pushPollInterval, int imapIdleMax) {

  /** Where Google publishes the certificates of its ID-token keys, as PEM by key id (what google-api-client reads). */
  public static final String GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs";

  public static final WatchPolicy DEFAULT = new WatchPolicy(true, Duration.ofMinutes(2), Duration.ofMinutes(5), 8,
      Optional.empty(), Optional.empty(), Optional.empty(), GOOGLE_CERTS_URL, Optional.empty(), Duration.ofMinutes(15),
      1_000);

  /** Nothing watched (tests that count provider calls). */
  public static final WatchPolicy OFF = DEFAULT.withEnabled(false);

  public WatchPolicy {
    if (pollInterval.isNegative() || pollInterval.isZero() || refreshInterval.isNegative() || refreshInterval.isZero()
        || pushPollInterval.isNegative() || pushPollInterval.isZero()) {
      throw new IllegalArgumentException("watch intervals must be positive");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("at least one change-feed read must be allowed");
    }
    if (imapIdleMax < 1) {
      throw new IllegalArgumentException("at least one IMAP mailbox must be allowed to idle");
    }
    publicUrl = publicUrl.map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    gmailPushServiceAccount = gmailPushServiceAccount.map(String::strip).filter(account -> !account.isEmpty());
  }

  public WatchPolicy withEnabled(boolean on) {
    return new WatchPolicy(on, pollInterval, refreshInterval, concurrency, publicUrl, gmailTopic, gmailPushAudience,
        gmailPushCertsUrl, gmailPushServiceAccount, pushPollInterval, imapIdleMax);
  }

  public WatchPolicy withIntervals(Duration poll, Duration refresh) {
    return new WatchPolicy(enabled, poll, refresh, concurrency, publicUrl, gmailTopic, gmailPushAudience,
        gmailPushCertsUrl, gmailPushServiceAccount, pushPollInterval, imapIdleMax);
  }

  /** Polls every {@code poll}, or every {@code pushPoll} while push or IDLE covers the connection. */
  public WatchPolicy withIntervals(Duration poll, Duration pushPoll, Duration refresh) {
    return new WatchPolicy(enabled, poll, refresh, concurrency, publicUrl, gmailTopic, gmailPushAudience,
        gmailPushCertsUrl, gmailPushServiceAccount, pushPoll, imapIdleMax);
  }

  /** At most {@code mailboxes} IMAP mailboxes in IDLE at once. */
  public WatchPolicy withImapIdleMax(int mailboxes) {
    return new WatchPolicy(enabled, pollInterval, refreshInterval, concurrency, publicUrl, gmailTopic,
        gmailPushAudience, gmailPushCertsUrl, gmailPushServiceAccount, pushPollInterval, mailboxes);
  }

  /** At most {@code reads} change-feed reads at once. */
  public WatchPolicy withConcurrency(int reads) {
    return new WatchPolicy(enabled, pollInterval, refreshInterval, reads, publicUrl, gmailTopic, gmailPushAudience,
        gmailPushCertsUrl, gmailPushServiceAccount, pushPollInterval, imapIdleMax);
  }

  /** Push notifications delivered to {@code url}, Gmail's through {@code topic} signed with keys at {@code certsUrl}. */
  public WatchPolicy withPush(String url, Optional<String> topic, String certsUrl) {
    return new WatchPolicy(enabled, pollInterval, refreshInterval, concurrency, Optional.of(url), topic,
        gmailPushAudience, certsUrl, gmailPushServiceAccount, pushPollInterval, imapIdleMax);
  }

  /** Gmail's push tokens signed by the keys at {@code certsUrl} (the sandbox's in dev mode and tests). */
  public WatchPolicy withGmailCertsUrl(String certsUrl) {
    return new WatchPolicy(enabled, pollInterval, refreshInterval, concurrency, publicUrl, gmailTopic,
        gmailPushAudience, certsUrl, gmailPushServiceAccount, pushPollInterval, imapIdleMax);
  }

  /** Gmail's push tokens name {@code audience} (as their Pub/Sub push subscription is configured). */
  public WatchPolicy withGmailAudience(String audience) {
    return new WatchPolicy(enabled, pollInterval, refreshInterval, concurrency, publicUrl, gmailTopic,
        Optional.of(audience), gmailPushCertsUrl, gmailPushServiceAccount, pushPollInterval, imapIdleMax);
  }

  /** Gmail's push tokens taken only when their verified {@code email} is {@code serviceAccount}. */
  public WatchPolicy withGmailPushServiceAccount(String serviceAccount) {
    return new WatchPolicy(enabled, pollInterval, refreshInterval, concurrency, publicUrl, gmailTopic,
        gmailPushAudience, gmailPushCertsUrl, Optional.of(serviceAccount), pushPollInterval, imapIdleMax);
  }

  /** The audience Gmail's push tokens must name. */
  public Optional<String> gmailAudience() {
    return gmailPushAudience.or(() -> publicUrl.map(url -> url + "/push/gmail"));
  }
}
