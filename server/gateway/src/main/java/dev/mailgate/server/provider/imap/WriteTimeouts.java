package dev.mailgate.server.provider.imap;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one scheduler that bounds every IMAP and SMTP socket write. Without it Jakarta Mail starts
 * a thread per connection for {@code mail.*.writetimeout} (about 2,000 threads at 2,000 watched
 * mailboxes); its tasks only close a stalled stream, so one daemon thread serves them all, and
 * cancelled tasks leave its queue at once (it holds one task per write in progress at most).
 */
final class WriteTimeouts {

  static final ScheduledExecutorService SCHEDULER = scheduler();

  private WriteTimeouts() {
  }

  private static ScheduledExecutorService scheduler() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "mail-write-timeouts");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
