package dev.mailgate.server.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on loopback: records every request (headers, body, the status it answered)
 * and answers with the statuses queued by the test, then 200.
 */
final class TestReceiver implements AutoCloseable {

  /** One request: its headers and body, the status it was answered, and when it arrived ({@link System#nanoTime}). */
  record Received(String id, String timestamp, String signature, String contentType, String body, int answered,
      long arrivedNanos) {}

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService threads;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Integer> answers = new ArrayDeque<>();
  private volatile int otherwise = 200;
  private volatile long firstDelayMillis;
  private volatile long everyDelayMillis;
  private final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

  TestReceiver() throws IOException {
    this(2);
  }

  /** A receiver answering up to {@code threads} requests at once. */
  TestReceiver(int threads) throws IOException {
    this.threads = Executors.newFixedThreadPool(threads);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(this.threads);
    server.createContext("/", exchange -> {
      long arrived = System.nanoTime();
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      long delay = started.getAndIncrement() == 0 && firstDelayMillis > 0 ? firstDelayMillis : everyDelayMillis;
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int status;
      synchronized (answers) {
        status = answers.isEmpty() ? otherwise : answers.poll();
      }
      var h = exchange.getRequestHeaders();
      received.add(new Received(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
          h.getFirst("webhook-signature"), h.getFirst("content-type"), body, status, arrived));
      inFlight.decrementAndGet();
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/mailgate?source=test";
  }

  /** Answers the next requests with these statuses, in order. */
  TestReceiver answer(Integer... statuses) {
    synchronized (answers) {
      answers.addAll(List.of(statuses));
    }
    return this;
  }

  /** Answers the first request only after this long. */
  TestReceiver delayFirst(Duration delay) {
    firstDelayMillis = delay.toMillis();
    return this;
  }

  /** Answers every request only after this long. */
  TestReceiver delayEach(Duration delay) {
    everyDelayMillis = delay.toMillis();
    return this;
  }

  /** The most requests this receiver was answering at once. */
  int mostInFlight() {
    return mostInFlight.get();
  }

  /** The requests it is answering now. */
  int inFlight() {
    return inFlight.get();
  }

  /** Answers every request not covered by {@link #answer} with this status. */
  TestReceiver otherwise(int status) {
    otherwise = status;
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests answered 2xx. */
  List<Received> accepted() {
    return received.stream().filter(r -> r.answered() / 100 == 2).toList();
  }

  /** Waits until {@code count} requests were answered 2xx; returns them. */
  List<Received> awaitAccepted(int count, Duration within) throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (accepted().size() < count && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    return accepted();
  }

  /** Waits until {@code count} requests arrived (whatever they were answered). */
  List<Received> awaitReceived(int count, Duration within) throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (received.size() < count && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    return received();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
