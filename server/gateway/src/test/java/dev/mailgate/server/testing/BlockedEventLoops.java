package dev.mailgate.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Collects Vert.x's "Thread vert.x-eventloop-thread-N has been blocked" warnings for the whole
 * test JVM, so the integration suite fails when anything blocks an event loop beyond Vert.x's
 * warning threshold (2 s by default).
 */
public final class BlockedEventLoops {

  private static final ListAppender<ILoggingEvent> WARNINGS = new ListAppender<>();

  static {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    WARNINGS.start();
    ((Logger) LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME)).addAppender(WARNINGS);
  }

  private BlockedEventLoops() {}

  /** Starts collecting (idempotent). */
  public static void watch() {
    // the static initializer does the work
  }

  /**
   * The stack traces (one string of frames each) of the event-loop warnings seen so far that came
   * with one (Vert.x adds it once a block exceeds its warning-exception time), and forgets all.
   */
  public static synchronized List<String> drainStacks() {
    List<String> stacks = WARNINGS.list.stream()
        .filter(event -> event.getFormattedMessage().contains("vert.x-eventloop") && event.getThrowableProxy() != null)
        .map(event -> java.util.Arrays.stream(event.getThrowableProxy().getStackTraceElementProxyArray())
            .map(Object::toString).collect(java.util.stream.Collectors.joining("\n")))
        .toList();
    WARNINGS.list.clear();
    return stacks;
  }

  /** The event-loop warnings seen so far, and forgets them. */
  public static synchronized List<String> drain() {
    List<String> seen = WARNINGS.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(message -> message.contains("vert.x-eventloop")).toList();
    WARNINGS.list.clear();
    return seen;
  }
}
