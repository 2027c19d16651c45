package dev.mailgate.loadgen;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One SearchMessages page without the gateway: the Gmail calls the gateway's Gmail provider makes
 * for it (server: provider/gmail/GmailProvider#search), with the same client library, straight on
 * the Gmail API root (the dev sandbox's): {@code messages.list(me, maxResults = page size, q)},
 * then for every message found {@code messages.get(me, id, format=metadata, metadataHeaders)}, all
 * of them in parallel, each blocking call on a bounded pool like the gateway's worker pool.
 * Status {@code OK}; {@code HTTP_<code>} for a Gmail error answer, {@code UNAVAILABLE} for an I/O
 * failure. No retries (the gateway retries 5xx; a retried call would be an error here anyway).
 */
public final class GmailDirectTarget implements LoadTarget {

  /** Copied from server GmailMessages.SUMMARY_HEADERS; a test fails if the two differ. */
  static final List<String> SUMMARY_HEADERS = List.of("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID",
      "References", "In-Reply-To");
  private static final String ME = "me";

  private final Gmail gmail;
  private final ExecutorService pool;
  private final String query;
  private final long pageSize;

  /**
   * @param rootUrl the Gmail API root, e.g. the sandbox's {@code http://127.0.0.1:PORT/}
   * @param mailbox the mailbox the token names ({@code sub}), e.g. alice@example.com
   * @param threads the pool the blocking calls run on (the gateway's provider pool is 16)
   */
  public GmailDirectTarget(String rootUrl, String mailbox, String query, int pageSize, int threads) {
    String authorization = "Bearer " + SandboxToken.forMailbox(mailbox, Instant.now());
    HttpRequestInitializer auth = request -> {
      request.getHeaders().setAuthorization(authorization);
      request.setConnectTimeout(10_000);
      request.setReadTimeout(60_000);
      request.setThrowExceptionOnExecuteError(true);
    };
    this.gmail = new Gmail.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), auth)
        .setRootUrl(rootUrl)
        .setApplicationName("mailgate-loadgen")
        .build();
    AtomicInteger count = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "gmail-direct-" + count.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    });
    this.query = query;
    this.pageSize = pageSize;
  }

  @Override
  public String name() {
    return "gmail-direct";
  }

  @Override
  public Future<String> call() {
    Context context = Vertx.currentContext();
    Promise<String> promise = Promise.promise();
    CompletableFuture.supplyAsync(this::list, pool)
        .thenCompose(found -> {
          List<Message> messages = found.getMessages() == null ? List.of() : found.getMessages();
          return CompletableFuture.allOf(messages.stream()
              .map(m -> CompletableFuture.supplyAsync(() -> metadata(m.getId()), pool))
              .toArray(CompletableFuture[]::new));
        })
        .whenComplete((done, failure) -> {
          String status = failure == null ? OK : statusOf(failure);
          if (context != null) {
            context.runOnContext(v -> promise.complete(status));
          } else {
            promise.complete(status);
          }
        });
    return promise.future();
  }

  private ListMessagesResponse list() {
    try {
      Gmail.Users.Messages.List list = gmail.users().messages().list(ME).setMaxResults(pageSize);
      if (!query.isBlank()) {
        list.setQ(query);
      }
      return list.execute();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Message metadata(String messageId) {
    try {
      return gmail.users().messages().get(ME, messageId).setFormat("metadata")
          .setMetadataHeaders(SUMMARY_HEADERS).execute();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String statusOf(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof GoogleJsonResponseException http) {
      return "HTTP_" + http.getStatusCode();
    }
    return cause instanceof IOException ? "UNAVAILABLE" : "CLIENT_ERROR";
  }

  @Override
  public void close() throws Exception {
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }
}
