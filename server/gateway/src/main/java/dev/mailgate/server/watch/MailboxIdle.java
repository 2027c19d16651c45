package dev.mailgate.server.watch;

import dev.mailgate.server.mail.MailboxCredential;
import java.io.Closeable;

/**
 * Wake-ups for a watched mailbox over a connection the gateway holds (a provider capability, next
 * to its {@link ChangeFeed}; IMAP's IDLE, RFC 2177): the server tells the connection when the
 * mailbox changes, and {@code changed} asks the watcher to read the change feed. Like a push, a
 * wake-up only says "look now": a lost one costs at most a polling interval, never an event.
 */
public interface MailboxIdle {

  /**
   * Starts watching the mailbox's INBOX with IDLE; never blocks. {@code changed} runs on an IDLE
   * thread whenever the server reports a new, expunged or re-flagged message (and after a
   * reconnect, since changes may have been missed meanwhile): it must return at once (for example
   * {@code () -> inbox.changed(key)}). When the gateway already idles on as many connections as it
   * allows, the returned handle is not {@link Handle#idling()} and the mailbox is only polled.
   * Close the handle when the connection is no longer watched (or its credential changed).
   */
  default Handle idle(WatchKey key, MailboxCredential mailbox, Runnable changed) {
    return idle(key, mailbox, changed, () -> {});
  }

  /**
   * As {@link #idle(WatchKey, MailboxCredential, Runnable)}, and {@code stopped} runs (on an IDLE
   * thread, returning at once) whenever the mailbox's IDLE connection drops or fails: until it is
   * back (which runs {@code changed}), the mailbox's changes are only found by polling.
   */
  Handle idle(WatchKey key, MailboxCredential mailbox, Runnable changed, Runnable stopped);

  /** Stops every IDLE and what runs them; the gateway calls it once, at shutdown. */
  default io.vertx.core.Future<Void> close() {
    return io.vertx.core.Future.succeededFuture();
  }

  /** One mailbox's IDLE; closing it logs out and frees its place. Closing twice is harmless. */
  interface Handle extends Closeable {

    /** Whether this mailbox got an IDLE place (false: over the cap, or its server has no IDLE; polled only). */
    boolean idling();

    /** Whether the mailbox is in IDLE right now (its connection up), so a change wakes the watcher. */
    default boolean running() {
      return idling();
    }

    @Override
    void close();
  }
}
