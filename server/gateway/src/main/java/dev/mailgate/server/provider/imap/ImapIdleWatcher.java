package dev.mailgate.server.provider.imap;

import dev.mailgate.server.watch.MailboxIdle;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.watch.WatchKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MailboxIdle} with Jakarta Mail's {@link IMAPFolder#idle}: per idling mailbox, a dedicated
 * logged-in connection (not the pooled one calls use) with INBOX selected read-only, in IDLE on a
 * daemon thread (256 KiB stack) of a pool as large as the cap. Angus's {@code IdleManager}, which
 * multiplexes IDLEs on few threads, needs SocketChannel sockets and Angus only makes those when no
 * socket factory is set, while every connection here must go through the egress guard's factory: so
 * one thread per idling connection, and at most {@code maxIdling} of them (the gateway's {@code
 * --imap-idle-max}; beyond that, mailboxes are polled). A drop runs the mailbox's {@code stopped}
 * callback, so the watcher polls it at the short interval until IDLE is back.
 *
 * <p>Any untagged EXISTS, EXPUNGE, FETCH or VANISHED response runs the mailbox's callback. Every
 * {@code reissueAfter} (25 minutes by default; RFC 2177 servers may drop an IDLE after 29) a NOOP
 * from the provider's worker pool ends the IDLE and the IDLE thread issues it again; the idle
 * connection's read timeout is that interval plus the outbound timeout, so a silent dead
 * connection is noticed within it. A dropped or refused connection is retried after an
 * exponential backoff (1 s up to 5 min; a refused login waits the longest) without holding a
 * thread, and a reconnect runs the callback, since changes may have been missed. Log lines name
 * the watch key and the failure's class, never the login's password.
 */
public final class ImapIdleWatcher implements MailboxIdle {

  private static final Logger log = LoggerFactory.getLogger(ImapIdleWatcher.class);

  /** Mailboxes that may idle at once by default (each holds a connection and a thread). */
  public static final int DEFAULT_MAX_IDLING = 1_000;
  /** The stack of an IDLE thread: it only waits in a socket read (the JVM's default is 1 MiB on 64-bit Linux). */
  static final long THREAD_STACK_BYTES = 256 * 1024;
  /** How long one IDLE command lasts at most before it is issued again. */
  public static final Duration DEFAULT_REISSUE = Duration.ofMinutes(25);
  private static final long MIN_BACKOFF_MILLIS = 1_000;
  private static final long MAX_BACKOFF_MILLIS = 300_000;
  /** Enough doublings of the minimum backoff to reach the maximum. */
  private static final int MAX_FAILURES = 10;

  private static final Handle POLLED_ONLY = new Handle() {
    @Override
    public boolean idling() {
      return false;
    }

    @Override
    public void close() {}
  };

  private final Vertx vertx;
  private final ImapCalls calls;
  private final Duration reissueAfter;
  private final Semaphore slots;
  private final ThreadPoolExecutor threads;
  private final Set<IdleSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicLong idleCommands = new AtomicLong();
  private volatile boolean shutDown;

  /** At most {@code maxIdling} mailboxes in IDLE at once, each IDLE re-issued every {@code reissueAfter}. */
  public ImapIdleWatcher(ImapProvider provider, int maxIdling, Duration reissueAfter) {
    if (maxIdling < 1 || reissueAfter.isNegative() || reissueAfter.isZero()) {
      throw new IllegalArgumentException("the IDLE cap and re-issue interval must be positive");
    }
    this.vertx = provider.vertx();
    this.calls = provider.calls();
    this.reissueAfter = reissueAfter;
    this.slots = new Semaphore(maxIdling);
    AtomicInteger numbers = new AtomicInteger();
    this.threads = new ThreadPoolExecutor(maxIdling, maxIdling, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        work -> {
          Thread thread = new Thread(null, work, "mailgate-imap-idle-" + numbers.incrementAndGet(),
              THREAD_STACK_BYTES);
          thread.setDaemon(true);
          return thread;
        });
    this.threads.allowCoreThreadTimeOut(true);
  }

  @Override
  public Handle idle(WatchKey key, MailboxCredential mailbox, Runnable changed, Runnable stopped) {
    if (shutDown || !slots.tryAcquire()) {
      log.debug("IMAP IDLE cap reached; {} is polled only", key);
      return POLLED_ONLY;
    }
    IdleSession session = new IdleSession(key, mailbox, changed, stopped);
    sessions.add(session);
    session.start();
    return session;
  }

  /** How many mailboxes hold an IDLE place now. */
  int idling() {
    return sessions.size();
  }

  /** How many IDLE commands were issued so far (tests: re-issues). */
  long idleCommands() {
    return idleCommands.get();
  }

  /** Closes every IDLE connection under its session, as a server dropping them would (tests). */
  void dropConnections() {
    sessions.forEach(session -> closeQuietly(session.store));
  }

  /** Ends every IDLE and stops the threads. */
  @Override
  public Future<Void> close() {
    shutDown = true;
    sessions.forEach(IdleSession::close);
    threads.shutdown();
    return Future.succeededFuture();
  }

  /** One mailbox's IDLE connection, reconnected after drops until closed. */
  private final class IdleSession implements Handle, ResponseHandler {

    private final WatchKey key;
    private final MailboxCredential mailbox;
    private final Runnable changed;
    private final Runnable stopped;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean unsupported;
    private volatile IMAPStore store;
    private volatile IMAPFolder folder;
    private volatile long retryTimer = -1;
    private final long reissueTimer;
    private int failures;
    private boolean connectedBefore;

    IdleSession(WatchKey key, MailboxCredential mailbox, Runnable changed, Runnable stopped) {
      this.key = key;
      this.mailbox = mailbox;
      this.changed = changed;
      this.stopped = stopped;
      this.reissueTimer = vertx.setPeriodic(reissueAfter.toMillis(), id -> reissue());
    }

    void start() {
      threads.execute(this::run);
    }

    @Override
    public boolean idling() {
      return !unsupported;
    }

    @Override
    public boolean running() {
      return !unsupported && !closed && folder != null;
    }

    /** On an IDLE thread: connect, select INBOX, IDLE until closed or dropped. */
    private void run() {
      IMAPStore opened = null;
      try {
        opened = connect();
        store = opened;
        if (closed) {
          return;
        }
        if (!opened.hasCapability("IDLE")) {
          log.info("the IMAP server of {} has no IDLE; it is polled only", key);
          unsupported = true;
          close();
          return;
        }
        IMAPFolder inbox = (IMAPFolder) opened.getFolder(ImapChangeFeed.FOLDER);
        inbox.open(Folder.READ_ONLY);
        inbox.doCommand(protocol -> {
          protocol.addResponseHandler(this);
          return null;
        });
        folder = inbox;
        failures = 0;
        if (connectedBefore) {
          notifyChanged();
        }
        connectedBefore = true;
        while (!closed) {
          idleCommands.incrementAndGet();
          inbox.idle(false);
        }
      } catch (Exception failure) {
        if (!closed) {
          RuntimeException reason = ImapCalls.translate(failure, "the IMAP server");
          failures = reason instanceof ProviderUnauthorizedException ? MAX_FAILURES : Math.min(MAX_FAILURES, failures + 1);
          // ImapCalls.translate builds messages without passwords or server text.
          String why = reason instanceof GatewayException known ? known.reason() + ": " + known.getMessage()
              : "the login was refused";
          log.warn("IMAP IDLE for {} stopped ({}); retrying later", key, why);
        }
      } finally {
        folder = null;
        store = null;
        closeQuietly(opened);
      }
      if (!closed) {
        notify(stopped);
        retryLater();
      }
    }

    private IMAPStore connect() throws MessagingException {
      ImapSettings settings = ImapCalls.settingsOf(mailbox);
      Properties props = settings.imapProperties(1, reissueAfter.toMillis(), calls.timeouts(),
          calls.guard(mailbox).socketFactory());
      long readTimeout = reissueAfter.toMillis() + calls.timeouts().totalMillis();
      props.put("mail." + settings.imapProtocol() + ".timeout", Long.toString(Math.min(readTimeout, Integer.MAX_VALUE)));
      IMAPStore opened = (IMAPStore) Session.getInstance(props).getStore(settings.imapProtocol());
      opened.connect(settings.imapHost(), settings.imapPort(), settings.login(mailbox.emailAddress()),
          mailbox.credential());
      return opened;
    }

    private void retryLater() {
      long delay = Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.max(0, failures - 1));
      delay += ThreadLocalRandom.current().nextLong(delay / 4 + 1);
      retryTimer = vertx.setTimer(delay, id -> {
        if (!closed && !shutDown) {
          try {
            threads.execute(this::run);
          } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the watcher is shutting down
          }
        }
      });
    }

    /** Ends the current IDLE (a NOOP from another thread does), so the IDLE thread issues a new one. */
    private void reissue() {
      IMAPFolder current = folder;
      if (current == null || closed) {
        return;
      }
      calls.blocking("the IMAP server", () -> current.doCommand(protocol -> {
        protocol.noop();
        return null;
      })).onFailure(failed -> log.debug("IMAP IDLE re-issue for {} failed ({})", key,
          failed.getClass().getSimpleName()));
    }

    @Override
    public void handleResponse(Response response) {
      if (response instanceof IMAPResponse untagged && (untagged.keyEquals("EXISTS") || untagged.keyEquals("EXPUNGE")
          || untagged.keyEquals("FETCH") || untagged.keyEquals("VANISHED"))) {
        notifyChanged();
      }
    }

    private void notifyChanged() {
      notify(changed);
    }

    private void notify(Runnable callback) {
      if (closed) {
        return;
      }
      try {
        callback.run();
      } catch (RuntimeException failed) {
        log.warn("the IMAP IDLE callback for {} failed ({})", key, failed.getClass().getSimpleName());
      }
    }

    @Override
    public void close() {
      closed = true;
      vertx.cancelTimer(reissueTimer);
      vertx.cancelTimer(retryTimer);
      if (released.compareAndSet(false, true)) {
        sessions.remove(this);
        slots.release();
      }
      IMAPStore current = store;
      if (current != null) {
        calls.blocking("the IMAP server", () -> {
          closeQuietly(current);
          return null;
        });
      }
    }
  }

  private static void closeQuietly(IMAPStore store) {
    try {
      if (store != null) {
        store.close();
      }
    } catch (MessagingException | RuntimeException ignored) {
      // already dropped
    }
  }
}
