package dev.mailgate.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the lines one logger writes while open (the gateway's own loggers are named after their class). */
public final class LogLines implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final ch.qos.logback.classic.Level levelBefore;

  public LogLines(Class<?> loggerOf) {
    this((Logger) LoggerFactory.getLogger(loggerOf));
  }

  private LogLines(Logger logger) {
    this.logger = logger;
    this.levelBefore = logger.getLevel();
    lines.start();
    logger.addAppender(lines);
  }

  /** Captures every logger's lines (the root logger's appenders see them all). */
  public static LogLines ofAll() {
    return new LogLines((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
  }

  /** Also captures (and prints) the logger's DEBUG lines while open. */
  public LogLines withDebug() {
    logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
    return this;
  }

  /** The lines so far. */
  public List<ILoggingEvent> all() {
    synchronized (lines.list) {
      return List.copyOf(lines.list);
    }
  }

  /** The formatted lines so far (with their exception's message, if any) that contain {@code text}. */
  public List<String> containing(String text) {
    return all().stream()
        .map(line -> line.getFormattedMessage() + (line.getThrowableProxy() == null ? ""
            : " " + line.getThrowableProxy().getClassName() + ": " + line.getThrowableProxy().getMessage()))
        .filter(line -> line.contains(text)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(lines);
    logger.setLevel(levelBefore);
  }
}
