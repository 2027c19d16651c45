package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.provider.outlook.GraphClient.Call;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ids of a mailbox's well-known folders (Graph v1.0 names them only through
 * {@code /mailFolders/inbox} and the like), resolved once and kept a minute per tenant and
 * connection (never shared across tenants), for at most a bounded number of connections: every
 * listing needs them to name its messages' labels, and they rarely change.
 */
final class GraphFolders {

  private static final List<String> WELL_KNOWN = List.of("inbox", "sentitems", "drafts", "deleteditems", "junkemail",
      "archive");

  private static final Duration KEPT = Duration.ofMinutes(1);

  private final GraphClient graph;
  private final Cache<String, Map<String, String>> cache;

  GraphFolders(GraphClient graph, int maxConnections) {
    this.graph = graph;
    this.cache = Caffeine.newBuilder().maximumSize(maxConnections).expireAfterWrite(KEPT).build();
  }

  /** Folder id to system label, for the well-known folders this mailbox has. */
  Future<Map<String, String>> of(MailboxCredential mailbox) {
    Map<String, String> cached = cache.getIfPresent(mailbox.connectionKey());
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    List<Future<Optional<Map.Entry<String, String>>>> lookups = WELL_KNOWN.stream()
        .map(name -> graph.json(mailbox, Call.get(GraphPaths.folder(name), Map.of("$select", "id")))
            .map(folder -> GraphLabels.labelOfWellKnown(name).map(label -> Map.entry(folder.getString("id"), label)))
            .recover(missing -> Future.succeededFuture(Optional.empty())))
        .toList();
    return Future.all(lookups).map(all -> {
      Map<String, String> labels = new HashMap<>();
      lookups.forEach(l -> l.result().ifPresent(e -> labels.put(e.getKey(), e.getValue())));
      cache.put(mailbox.connectionKey(), Map.copyOf(labels));
      return labels;
    });
  }

}
