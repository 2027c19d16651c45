package dev.mailgate.server.watch;

import dev.mailgate.server.mail.MailboxCredential;
import io.vertx.core.Future;

/**
 * A provider's mailbox change feed (a {@link dev.mailgate.server.provider.ProviderModule}
 * capability): where "now" is in the mailbox's history, and what changed after a cursor.
 *
 * <p>The cursor is the feed's own text (a Gmail historyId, Graph delta links, IMAP UIDVALIDITY and
 * UIDs); the watcher stores it and commits each new cursor in the same transaction as the events
 * that led to it, so a crash between the provider call and the commit repeats the changes (at
 * least once) and never skips them. Keep cursors small (at most a few kilobytes): per-message state
 * belongs in {@link KnownMessages}.
 *
 * <p>Both methods run provider calls (on the provider's own bounded pools, never blocking the
 * caller) and fail with the provider's usual errors; a refused credential fails with
 * {@link dev.mailgate.server.mail.ProviderUnauthorizedException} so the watcher's mailbox access
 * renews it or marks the connection NEEDS_REAUTH.
 */
public interface ChangeFeed {

  /**
   * The cursor for "now": changes after it are reported by {@link #changes}; nothing before it is.
   * May record the current state of the messages it needs to compare later in {@code known}'s
   * returned updates ({@link Changes#remember}).
   */
  Future<Changes> start(MailboxCredential mailbox, KnownMessages known);

  /**
   * The changes after {@code cursor}, oldest first, at most about {@link #MAX_EVENTS} events per
   * call ({@link Changes#more} when there are more), and the cursor after them. When the provider
   * no longer has the history the cursor points into (Gmail 404, Graph 410 or syncStateNotFound,
   * a new IMAP UIDVALIDITY), the feed re-anchors at now, reports what it could reconcile and sets
   * {@link Changes#historyLost}: the watcher then appends RESYNC_REQUIRED first.
   */
  Future<Changes> changes(MailboxCredential mailbox, String cursor, KnownMessages known);

  /** About how many events one {@link #changes} call returns at most. */
  int MAX_EVENTS = 500;
}
