package dev.mailgate.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the gateway's access-log lines while open (each on the thread that wrote it). */
public final class AccessLines implements AutoCloseable {

  private final Logger access = (Logger) LoggerFactory.getLogger("mailgate.access");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  public AccessLines() {
    lines.start();
    access.addAppender(lines);
  }

  /** The lines so far, after waiting up to five seconds for at least {@code count} of them. */
  public List<ILoggingEvent> atLeast(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (lines.list.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return List.copyOf(lines.list);
  }

  @Override
  public void close() {
    access.detachAppender(lines);
  }
}
