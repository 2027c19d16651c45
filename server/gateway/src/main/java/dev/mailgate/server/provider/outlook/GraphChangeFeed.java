package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.provider.outlook.GraphClient.Call;
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.Changes;
import dev.mailgate.server.watch.KnownMessages;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Outlook's change feed: Graph message delta (https://learn.microsoft.com/graph/api/message-delta)
 * on the folders that are labels a watcher cares about, Inbox, Archive, Deleted Items, Sent Items
 * and Junk Email ({@link #WATCHED}), one delta link each in the cursor ({@link GraphDeltaCursor}).
 *
 * <p>A watch starts at now: each folder's first round is filtered to mail received from now on
 * ({@code $filter=receivedDateTime ge now}), and Graph keeps that filter for the link's later
 * rounds, so changes to mail received before the watch started are not reported (neither are
 * messages in folders that are not watched, except when they leave or enter a watched one).
 *
 * <p>Graph's delta lists a changed message with its current properties, so the feed compares its
 * labels ({@link GraphMessages#summary}: folder, UNREAD, STARRED, categories) with those the
 * watcher last recorded ({@link KnownMessages}): unknown is MESSAGE_ADDED, different is
 * LABELS_CHANGED. A message {@code @removed} from one folder and listed in another in the same read
 * was moved (archived, trashed): one LABELS_CHANGED. One removed and listed nowhere is looked up by
 * its immutable id: gone (404) is MESSAGE_DELETED, else it moved to a folder not watched
 * (LABELS_CHANGED with that folder's label). A delta link Graph no longer has (410
 * syncStateNotFound) reports the history lost and starts that folder again from the time the
 * cursor last covered every folder ({@link GraphDeltaCursor#readAt}), reporting the mail received
 * since (Exchange drops sync states when its cache overflows: an idle mailbox's new mail must not
 * be lost with them); a cursor without that time starts the folder again at now.
 */
public final class GraphChangeFeed implements ChangeFeed {

  /** The watched folders, by well-known name, in the order they are read. */
  static final List<String> WATCHED = List.of("inbox", "archive", "deleteditems", "sentitems", "junkemail");
  static final String FIELDS = GraphMessages.SUMMARY_FIELDS + ",lastModifiedDateTime";
  static final int PAGE_SIZE = 100;

  private final GraphClient graph;
  private final GraphFolders folders;
  private final Clock clock;
  private final int maxEvents;
  private final int pageSize;

  /** The feed of the provider's mailboxes, through its Graph client (and per-mailbox request limit). */
  public GraphChangeFeed(OutlookProvider provider) {
    this(provider, Clock.systemUTC(), MAX_EVENTS, PAGE_SIZE);
  }

  /**
   * As above, with the clock that says when now is, reading at most about {@code maxEvents}
   * changes per call in pages of {@code pageSize}.
   */
  GraphChangeFeed(OutlookProvider provider, Clock clock, int maxEvents, int pageSize) {
    this.graph = provider.graph();
    this.folders = provider.folderLabels();
    this.clock = clock;
    this.maxEvents = maxEvents;
    this.pageSize = pageSize;
  }

  @Override
  public Future<Changes> start(MailboxCredential mailbox, KnownMessages known) {
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return anchorAll(mailbox, WATCHED).map(links -> Changes.at(new GraphDeltaCursor(links, at).encode()));
  }

  @Override
  public Future<Changes> changes(MailboxCredential mailbox, String cursor, KnownMessages known) {
    Optional<GraphDeltaCursor> parsed = GraphDeltaCursor.decode(cursor);
    if (parsed.isEmpty()) {
      Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      return anchorAll(mailbox, WATCHED).map(links -> new Changes(List.of(), new GraphDeltaCursor(links, at).encode(),
          true, false, Map.of(), Set.of()));
    }
    Read read = new Read(parsed.get().links(), parsed.get().readAt(), clock.instant());
    return readFolders(mailbox, read, 0)
        .compose(v -> folders.of(mailbox))
        .compose(labels -> compare(mailbox, read, known, labels));
  }

  /** What one call read: each folder's entries and its link after them. */
  private static final class Read {
    final Map<String, String> links;
    final Map<String, JsonObject> listed = new LinkedHashMap<>();
    final Set<String> removed = new LinkedHashSet<>();
    int entries;
    boolean more;
    boolean historyLost;
    /** Before when every folder's changes were covered by the cursor's links (null: unknown). */
    final Instant coveredUntil;
    /** When this read started: its cursor covers every change before, once all folders are read to their end. */
    final Instant started;

    Read(Map<String, String> links, Instant coveredUntil, Instant started) {
      this.links = new LinkedHashMap<>(links);
      this.coveredUntil = coveredUntil;
      this.started = started;
    }
  }

  private Future<Void> readFolders(MailboxCredential mailbox, Read read, int index) {
    if (index == WATCHED.size()) {
      return Future.succeededFuture();
    }
    String folder = WATCHED.get(index);
    String link = read.links.get(folder);
    if (link == null) {
      return readFolders(mailbox, read, index + 1);
    }
    if (read.entries >= maxEvents) {
      read.more = true;
      return Future.succeededFuture();
    }
    return readPages(mailbox, read, folder, link)
        .recover(failure -> {
          if (!(failure instanceof SyncStateNotFoundException)) {
            return Future.failedFuture(failure);
          }
          read.historyLost = true;
          if (read.coveredUntil != null) {
            return recover(mailbox, read, folder);
          }
          return anchor(mailbox, folder).map(anchored -> {
            anchored.ifPresentOrElse(l -> read.links.put(folder, l), () -> read.links.remove(folder));
            return null;
          });
        })
        .compose(v -> readFolders(mailbox, read, index + 1));
  }

  /**
   * A folder whose sync state Graph lost (410) starts again with a first round over the mail
   * received since {@link Read#coveredUntil} (down to its second, as Graph dates mail; the same
   * clock as a watch's start at now) instead of at now, its entries read as changes: mail that arrived while the state was lost is still
   * reported (what the watcher already knows compares equal); changes to older mail are what the
   * history-lost signal covers. A folder the mailbox no longer has is left out.
   */
  private Future<Void> recover(MailboxCredential mailbox, Read read, String folder) {
    String from = read.coveredUntil.truncatedTo(ChronoUnit.SECONDS).toString();
    Call first = new Call(HttpMethod.GET, GraphPaths.folder(folder) + "/messages/delta",
        Map.of("$select", FIELDS, "$filter", "receivedDateTime ge " + from), prefer(pageSize), null);
    return readPages(mailbox, read, folder, first)
        .recover(failure -> {
          if (failure instanceof GatewayException known && known.reason() == Reason.MESSAGE_NOT_FOUND) {
            read.links.remove(folder);
            return Future.succeededFuture();
          }
          return Future.failedFuture(failure);
        });
  }

  /** Follows one folder's links until its delta link or the bound, remembering the entries. */
  private Future<Void> readPages(MailboxCredential mailbox, Read read, String folder, String link) {
    return readPages(mailbox, read, folder, page(link));
  }

  private Future<Void> readPages(MailboxCredential mailbox, Read read, String folder, Call call) {
    return graph.json(mailbox, call).compose(page -> {
      page.getJsonArray("value", new JsonArray()).forEach(entry -> {
        JsonObject message = (JsonObject) entry;
        String id = message.getString("id");
        if (id == null) {
          return;
        }
        read.entries++;
        if (message.containsKey("@removed")) {
          read.removed.add(id);
        } else {
          read.listed.put(id, message);
        }
      });
      String next = page.getString("@odata.nextLink");
      String delta = page.getString("@odata.deltaLink");
      if (next == null) {
        read.links.put(folder, delta != null ? delta : read.links.get(folder));
        return Future.succeededFuture();
      }
      read.links.put(folder, next);
      if (read.entries >= maxEvents) {
        read.more = true;
        return Future.succeededFuture();
      }
      return readPages(mailbox, read, folder, next);
    });
  }

  /** Turns what was read into events, against the labels the watcher recorded. */
  private Future<Changes> compare(MailboxCredential mailbox, Read read, KnownMessages known,
      Map<String, String> labels) {
    Set<String> ids = new LinkedHashSet<>(read.listed.keySet());
    ids.addAll(read.removed);
    List<String> elsewhere = read.removed.stream().filter(id -> !read.listed.containsKey(id)).toList();
    Map<String, JsonObject> found = new LinkedHashMap<>();
    Set<String> deleted = new LinkedHashSet<>();
    List<Future<Void>> lookups = elsewhere.stream().map(id -> lookup(mailbox, id)
        .map(message -> {
          synchronized (found) {
            message.ifPresentOrElse(m -> found.put(id, m), () -> deleted.add(id));
          }
          return (Void) null;
        })).toList();
    return Future.all(lookups).compose(v -> ids.isEmpty() ? Future.succeededFuture(Map.<String, List<String>>of())
        : known.labels(ids)).map(recorded -> {
          List<Dated> events = new ArrayList<>();
          Map<String, List<String>> remember = new LinkedHashMap<>();
          Map<String, JsonObject> current = new LinkedHashMap<>(read.listed);
          found.forEach(current::putIfAbsent);
          current.forEach((id, message) -> {
            MessageSummary summary = GraphMessages.summary(message, labels);
            Instant at = time(message);
            List<String> before = recorded.get(id);
            if (before == null) {
              events.add(new Dated(at, NewEvent.added(summary)));
            } else {
              List<String> added = summary.labelIds().stream().filter(l -> !before.contains(l)).toList();
              List<String> removed = before.stream().filter(l -> !summary.labelIds().contains(l)).toList();
              if (!added.isEmpty() || !removed.isEmpty()) {
                events.add(new Dated(at, NewEvent.labelsChanged(summary, added, removed)));
              }
            }
            remember.put(id, summary.labelIds());
          });
          Instant now = clock.instant();
          deleted.forEach(id -> events.add(new Dated(now, NewEvent.deleted(id, ""))));
          events.sort(Comparator.comparing(Dated::at));
          // A read stopped at the bound leaves folders behind: the cursor covers only what the last full read did.
          String cursor = new GraphDeltaCursor(read.links, read.more ? read.coveredUntil : read.started).encode();
          return new Changes(events.stream().map(Dated::event).toList(), cursor, read.historyLost, read.more,
              remember, deleted);
        });
  }

  private record Dated(Instant at, NewEvent event) {}

  private static Instant time(JsonObject message) {
    try {
      return Instant.parse(message.getString("lastModifiedDateTime", message.getString("receivedDateTime")));
    } catch (RuntimeException undated) {
      return Instant.EPOCH;
    }
  }

  /** A message by immutable id with the summary's fields; empty when Graph no longer has it. */
  private Future<Optional<JsonObject>> lookup(MailboxCredential mailbox, String id) {
    return graph.json(mailbox, Call.get(GraphPaths.message(id), Map.of("$select", FIELDS)))
        .map(Optional::of)
        .recover(failure -> failure instanceof GatewayException known && known.reason() == Reason.MESSAGE_NOT_FOUND
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure));
  }

  private Future<Map<String, String>> anchorAll(MailboxCredential mailbox, List<String> names) {
    Map<String, String> links = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String name : names) {
      chain = chain.compose(v -> anchor(mailbox, name).map(link -> {
        link.ifPresent(l -> links.put(name, l));
        return null;
      }));
    }
    return chain.map(v -> links);
  }

  /**
   * The delta link of a folder at now: a first round over the mail received from now on, read to
   * its end; empty for a folder this mailbox does not have.
   */
  private Future<Optional<String>> anchor(MailboxCredential mailbox, String folder) {
    String from = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    Call first = new Call(HttpMethod.GET, GraphPaths.folder(folder) + "/messages/delta",
        Map.of("$select", FIELDS, "$filter", "receivedDateTime ge " + from), prefer(pageSize), null);
    return toEnd(mailbox, first).map(Optional::of)
        .recover(failure -> failure instanceof GatewayException known && known.reason() == Reason.MESSAGE_NOT_FOUND
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure));
  }

  private Future<String> toEnd(MailboxCredential mailbox, Call call) {
    return graph.json(mailbox, call).compose(page -> {
      String next = page.getString("@odata.nextLink");
      if (next != null) {
        return toEnd(mailbox, page(next));
      }
      String delta = page.getString("@odata.deltaLink");
      return delta != null ? Future.succeededFuture(delta)
          : Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
              "Microsoft Graph ended a delta round without a delta link", java.time.Duration.ofSeconds(5), null));
    });
  }

  private Call page(String link) {
    return new Call(HttpMethod.GET, link, Map.of(), prefer(pageSize), null);
  }

  /** Immutable ids (this header replaces the client's own Prefer) and pages of {@code size}. */
  private static Map<String, String> prefer(int size) {
    return Map.of("Prefer", GraphClient.IMMUTABLE_IDS + ", odata.maxpagesize=" + size);
  }
}
