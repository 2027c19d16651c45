package dev.mailgate.server.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (what Kubernetes, Docker and systemd send to stop a container or service) and SIGINT
 * (Ctrl-C) run {@code stop} once, on a thread of its own, in place of the JVM's default handling
 * (which runs every shutdown hook at once and exits 143 or 130). A second signal while stopping
 * is only logged: the drain has its own deadline. {@code sun.misc.Signal} is the JDK's supported
 * way to do this (module jdk.unsupported); where it is missing the JVM's default handling stays.
 */
final class StopSignals {

  private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

  private StopSignals() {}

  static void install(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stopping.compareAndSet(false, true)) {
            log.info("SIG{} received", signal.getName());
            Thread thread = new Thread(stop, "mailgate-stop");
            thread.setDaemon(false);
            thread.start();
          } else {
            log.info("SIG{} received: already stopping", signal.getName());
          }
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        log.warn("SIG{} keeps the JVM's default handling: {}", name, e.toString());
      }
    }
  }
}
