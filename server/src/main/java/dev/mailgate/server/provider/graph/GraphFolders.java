package dev.mailgate.server.provider.graph;

import dev.mailgate.server.mail.Mailbox;
import dev.mailgate.server.provider.graph.GraphClient.Call;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of a mailbox's well-known folders (Graph v1.0 names them only through
 * {@code /mailFolders/inbox} and the like), resolved once and kept a minute per mailbox: every
 * listing needs them to name its messages' labels, and they rarely change.
 */
final class GraphFolders {

  private static final List<String> WELL_KNOWN = List.of("inbox", "sentitems", "drafts", "deleteditems", "junkemail",
      "archive");

  private record Cached(Map<String, String> labels, Instant expires) {}

  private final GraphClient graph;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  GraphFolders(GraphClient graph) {
    this.graph = graph;
  }

  /** Folder id to system label, for the well-known folders this mailbox has. */
  Future<Map<String, String>> of(Mailbox mailbox) {
    Cached cached = cache.get(mailbox.emailAddress());
    if (cached != null && cached.expires().isAfter(Instant.now())) {
      return Future.succeededFuture(cached.labels());
    }
    List<Future<Optional<Map.Entry<String, String>>>> lookups = WELL_KNOWN.stream()
        .map(name -> graph.json(mailbox, Call.get(GraphPaths.folder(name), Map.of("$select", "id")))
            .map(folder -> GraphLabels.labelOfWellKnown(name).map(label -> Map.entry(folder.getString("id"), label)))
            .recover(missing -> Future.succeededFuture(Optional.empty())))
        .toList();
    return Future.all(lookups).map(all -> {
      Map<String, String> labels = new HashMap<>();
      lookups.forEach(l -> l.result().ifPresent(e -> labels.put(e.getKey(), e.getValue())));
      cache.put(mailbox.emailAddress(), new Cached(Map.copyOf(labels), Instant.now().plusSeconds(60)));
      return labels;
    });
  }

}
