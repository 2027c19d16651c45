package dev.mailgate.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Plain SMTP submissions to one server (the dev GreenMail), on a fixed pool of threads that each
 * keep one session open: EHLO once, then MAIL FROM, RCPT TO, DATA per message. Blocking sockets on
 * the load generator's own threads (never a Vert.x event loop). A session that fails is dropped and
 * the next message opens a new one.
 */
final class SmtpSessions implements AutoCloseable {

  private final String host;
  private final int port;
  private final ExecutorService threads;
  private final ThreadLocal<Session> sessions = new ThreadLocal<>();

  SmtpSessions(String host, int port, int sessions) {
    this.host = host;
    this.port = port;
    this.threads = Executors.newFixedThreadPool(sessions, runnable -> {
      Thread thread = new Thread(runnable, "bench-smtp");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Delivers {@code message} (RFC 822 text with CRLF line ends) from {@code from} to {@code to};
   * {@code beforeSend} runs on the session's thread just before MAIL FROM.
   */
  Future<Void> send(String from, String to, String message, Runnable beforeSend) {
    Promise<Void> done = Promise.promise();
    threads.execute(() -> {
      try {
        try {
          session(false).send(from, to, message, beforeSend);
        } catch (IOException stale) {
          // GreenMail ends a session idle for 30 s: one more try on a new one
          session(true).send(from, to, message, beforeSend);
        }
        done.complete();
      } catch (Exception e) {
        Session broken = sessions.get();
        if (broken != null) {
          broken.close();
          sessions.remove();
        }
        done.fail(e);
      }
    });
    return done.future();
  }

  /** This thread's session, opened now if it has none (or {@code fresh}: the old one is dropped). */
  private Session session(boolean fresh) throws IOException {
    Session session = sessions.get();
    if (session != null && fresh) {
      session.close();
      session = null;
    }
    if (session == null) {
      session = new Session(host, port);
      sessions.set(session);
    }
    return session;
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One SMTP session. */
  private static final class Session implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Session(String host, int port) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(30_000);
      socket.setTcpNoDelay(true);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
      expect(220);
      command("EHLO bench.mailgate.invalid", 250);
    }

    void send(String from, String to, String message, Runnable beforeSend) throws IOException {
      beforeSend.run();
      command("MAIL FROM:<" + from + ">", 250);
      command("RCPT TO:<" + to + ">", 250);
      command("DATA", 354);
      StringBuilder data = new StringBuilder(message.length() + 16);
      for (String line : message.split("\r\n", -1)) {
        data.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
      }
      data.append(".\r\n");
      out.write(data.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      expect(250);
    }

    private void command(String line, int code) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      expect(code);
    }

    /** Reads a (multi-line) reply and checks its code. */
    private void expect(int code) throws IOException {
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          throw new IOException("the SMTP server closed the session");
        }
      } while (line.length() > 3 && line.charAt(3) == '-');
      if (!line.startsWith(Integer.toString(code))) {
        throw new IOException("SMTP answered '" + line + "', expected " + code);
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
