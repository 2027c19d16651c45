package dev.mailgate.server.provider.imap;

import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.egress.EgressGuard;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logged-in {@link IMAPStore} per mailbox (host, port, login), shared by that mailbox's calls
 * and closed once unused for the idle timeout. A store is only reused by a call that presents the
 * same password and security it was opened with (compared as a salted hash), so another
 * connection naming the same login never rides on it. At most a fixed number of mailboxes keep a
 * store (idle ones are closed first to make room; when all are in use a call gets a store of its
 * own, closed after it). All methods block: call them on a worker.
 */
final class ImapConnections {

  private static final Logger log = LoggerFactory.getLogger(ImapConnections.class);
  /** Folder connections Jakarta Mail keeps open per store, besides the store's own. */
  private static final int FOLDER_CONNECTIONS = 3;

  record Key(String host, int port, String login) {}

  private final Map<Key, Pooled> pool = new ConcurrentHashMap<>();
  private final long idleMillis;
  private final OutboundTimeouts timeouts;
  private final int maxPooled;
  private final byte[] salt = new byte[16];

  /** At most {@code maxPooled} mailboxes keep a store; others get one for their call only. */
  ImapConnections(Duration idleTimeout, OutboundTimeouts timeouts, int maxPooled) {
    this.idleMillis = idleTimeout.toMillis();
    this.timeouts = timeouts;
    this.maxPooled = maxPooled;
    new SecureRandom().nextBytes(salt);
  }

  /**
   * The mailbox's pooled store, or a new one (logged in now); close the lease when done. A store is
   * only shared by calls under the same egress guard, since its later connections go through it.
   */
  ImapConnection open(ImapSettings settings, String login, String password, EgressGuard guard)
      throws MessagingException {
    Key key = new Key(settings.imapHost().toLowerCase(Locale.ROOT), settings.imapPort(), login);
    byte[] fingerprint = fingerprint(settings, password, guard);
    Pooled current = pool.get(key);
    if (current != null && MessageDigest.isEqual(current.fingerprint, fingerprint) && current.tryAcquire()) {
      return new ImapConnection(this, current, true);
    }
    Pooled fresh = new Pooled(key, connect(settings, login, password, guard), fingerprint);
    if (current == null && pool.size() >= maxPooled && closeIdle() == 0 && pool.size() >= maxPooled) {
      // The pool is full of stores in use: this one serves this call only and closes after it.
      fresh.retire();
      return new ImapConnection(this, fresh, false);
    }
    Pooled replaced = pool.put(key, fresh);
    if (replaced != null) {
      retire(replaced);
    }
    return new ImapConnection(this, fresh, false);
  }

  /** A store logged in to the mailbox, not pooled (login checks). */
  IMAPStore connect(ImapSettings settings, String login, String password, EgressGuard guard) throws MessagingException {
    Session session = Session.getInstance(
        settings.imapProperties(FOLDER_CONNECTIONS, idleMillis, timeouts, guard.socketFactory()));
    IMAPStore store = (IMAPStore) session.getStore(settings.imapProtocol());
    store.connect(settings.imapHost(), settings.imapPort(), login, password);
    return store;
  }

  void release(Pooled pooled) {
    if (pooled.release()) {
      closeQuietly(pooled.store);
    }
  }

  /** Takes a store whose connection failed out of the pool; it closes when its last user lets go. */
  void discard(Pooled pooled) {
    pool.remove(pooled.key, pooled);
    retire(pooled);
  }

  /** Closes the stores nobody used for the idle timeout; returns how many. */
  int closeIdle() {
    long now = System.currentTimeMillis();
    int closed = 0;
    for (Pooled pooled : pool.values()) {
      if (pooled.retireIfIdle(now, idleMillis)) {
        pool.remove(pooled.key, pooled);
        closeQuietly(pooled.store);
        closed++;
      }
    }
    return closed;
  }

  /** How many mailboxes have a pooled store. */
  int size() {
    return pool.size();
  }

  void closeAll() {
    pool.values().forEach(this::discard);
  }

  private void retire(Pooled pooled) {
    if (pooled.retire()) {
      closeQuietly(pooled.store);
    }
  }

  private byte[] fingerprint(ImapSettings settings, String password, EgressGuard guard) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(settings.imapSecurity().name().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(password.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(guard.fingerprint().getBytes(StandardCharsets.UTF_8));
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  private static void closeQuietly(IMAPStore store) {
    try {
      store.close();
    } catch (MessagingException | RuntimeException e) {
      log.debug("closing an IMAP store failed: {}", e.getClass().getSimpleName());
    }
  }

  /** A pooled store, its users and when it was last used. */
  static final class Pooled {
    final Key key;
    final IMAPStore store;
    final byte[] fingerprint;
    volatile ImapFolders folders;
    private int users = 1;
    private long lastUsed = System.currentTimeMillis();
    private boolean retired;

    Pooled(Key key, IMAPStore store, byte[] fingerprint) {
      this.key = key;
      this.store = store;
      this.fingerprint = fingerprint;
    }

    synchronized boolean tryAcquire() {
      if (retired) {
        return false;
      }
      users++;
      lastUsed = System.currentTimeMillis();
      return true;
    }

    /** Whether the store must now be closed (retired and unused). */
    synchronized boolean release() {
      users--;
      lastUsed = System.currentTimeMillis();
      return retired && users == 0;
    }

    /** Whether the store must now be closed (it had no users). */
    synchronized boolean retire() {
      boolean closeNow = !retired && users == 0;
      retired = true;
      return closeNow;
    }

    synchronized boolean retireIfIdle(long now, long idleMillis) {
      if (retired || users > 0 || now - lastUsed < idleMillis) {
        return false;
      }
      retired = true;
      return true;
    }
  }
}
