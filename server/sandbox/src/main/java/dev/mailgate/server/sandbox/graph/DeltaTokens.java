package dev.mailgate.server.sandbox.graph;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The sync states behind message delta links (https://learn.microsoft.com/graph/api/message-delta):
 * each {@code $deltatoken} and {@code $skiptoken} names an immutable state, kept for the configured
 * retention and in a bounded cache as Exchange keeps them ("dependent on the size of the internal
 * delta token cache"): an older one is gone and answers 410 Gone syncStateNotFound. A token can be
 * used again until then (a client that failed to store a round repeats it).
 *
 * <p>The cache is the mailbox's, per folder: each folder keeps its {@value #PER_FOLDER} newest
 * states, so one mailbox's rounds never push out another's link (a cache shared by every mailbox,
 * as this sandbox had, answered 410 to the idle mailboxes of a gateway watching 2,500). Beyond that,
 * for the sandbox's own memory, at most {@value #SUPERSEDED_CAPACITY} superseded states (ones with
 * a newer state in their folder) are kept in all, the oldest going first; a folder's newest state
 * goes only with its retention or {@link #expireAll}.
 */
final class DeltaTokens {

  /** How long the sandbox keeps a sync state by default. */
  static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
  /** How many states one mailbox folder keeps: its newest and a few before it. */
  static final int PER_FOLDER = 8;
  /** How many superseded states all mailboxes keep together. */
  static final int SUPERSEDED_CAPACITY = 100_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What a round tracks: one folder of one mailbox, with the messages received from
   * {@code receivedFrom} on (all if null; {@code strictlyAfter} for {@code gt}), showing {@code select}.
   */
  record Scope(String mailbox, String folderId, Instant receivedFrom, boolean strictlyAfter, String select) {

    Predicate<GraphMessage> includes() {
      return m -> receivedFrom == null
          || (strictlyAfter ? m.received.isAfter(receivedFrom) : !m.received.isBefore(receivedFrom));
    }
  }

  /**
   * A sync state: the change key of every message the client has been shown ({@code seen}), and the
   * ids still to show in this round ({@code pending}, empty for a finished round: a delta token).
   */
  record State(Scope scope, Map<String, String> seen, List<String> pending, Instant created) {}

  private final Clock clock;
  private final Map<String, State> states = new HashMap<>();
  /** Each mailbox folder's tokens, oldest first. */
  private final Map<String, ArrayDeque<String>> byFolder = new HashMap<>();
  /** Tokens that are not their folder's newest, oldest first. */
  private final Set<String> superseded = new LinkedHashSet<>();
  private Duration retention = DEFAULT_RETENTION;

  DeltaTokens(Clock clock) {
    this.clock = clock;
  }

  synchronized void retention(Duration keep) {
    this.retention = keep;
  }

  /** Forgets every sync state at once (what Exchange may do at any time). */
  synchronized void expireAll() {
    states.clear();
    byFolder.clear();
    superseded.clear();
  }

  synchronized String put(State state) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    states.put(token, state);
    ArrayDeque<String> folder = byFolder.computeIfAbsent(folderKey(state.scope()), k -> new ArrayDeque<>());
    if (!folder.isEmpty()) {
      superseded.add(folder.peekLast());
    }
    folder.addLast(token);
    while (folder.size() > PER_FOLDER) {
      String oldest = folder.pollFirst();
      states.remove(oldest);
      superseded.remove(oldest);
    }
    while (superseded.size() > SUPERSEDED_CAPACITY) {
      Iterator<String> oldest = superseded.iterator();
      String gone = oldest.next();
      oldest.remove();
      State goneState = states.remove(gone);
      if (goneState != null) {
        byFolder.getOrDefault(folderKey(goneState.scope()), new ArrayDeque<>()).remove(gone);
      }
    }
    return token;
  }

  /** The state of a token that is still kept, for this mailbox and folder. */
  synchronized Optional<State> get(String token, String mailbox, String folderId) {
    State state = states.get(token);
    if (state == null) {
      return Optional.empty();
    }
    if (state.created().plus(retention).isBefore(Instant.now(clock)) || retention.isZero()) {
      forget(token, state);
      return Optional.empty();
    }
    if (!state.scope().mailbox().equals(mailbox) || !state.scope().folderId().equals(folderId)) {
      return Optional.empty();
    }
    return Optional.of(state);
  }

  private void forget(String token, State state) {
    states.remove(token);
    superseded.remove(token);
    String key = folderKey(state.scope());
    ArrayDeque<String> folder = byFolder.get(key);
    if (folder != null) {
      folder.remove(token);
      if (folder.isEmpty()) {
        byFolder.remove(key);
      }
    }
  }

  private static String folderKey(Scope scope) {
    return scope.mailbox() + "\n" + scope.folderId();
  }

  /** How many states are kept now. */
  synchronized int size() {
    return states.size();
  }

  Instant now() {
    return Instant.now(clock);
  }

  /** Graph's answer to a token it no longer has. */
  static GraphException syncStateNotFound() {
    return new GraphException(410, "syncStateNotFound",
        "The sync state generation is not found. The delta token is expired and data must be synchronized again.");
  }

}
