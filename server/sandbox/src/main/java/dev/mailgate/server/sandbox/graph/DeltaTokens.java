package dev.mailgate.server.sandbox.graph;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The sync states behind message delta links (https://learn.microsoft.com/graph/api/message-delta):
 * each {@code $deltatoken} and {@code $skiptoken} names an immutable state, kept for the configured
 * retention and in a bounded cache as Exchange keeps them ("dependent on the size of the internal
 * delta token cache"): an older one is gone and answers 410 Gone syncStateNotFound. A token can be
 * used again until then (a client that failed to store a round repeats it).
 */
final class DeltaTokens {

  /** How long the sandbox keeps a sync state by default. */
  static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
  private static final int CAPACITY = 10_000;
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
  private final Map<String, State> states = new LinkedHashMap<>();
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
  }

  synchronized String put(State state) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    states.put(token, state);
    if (states.size() > CAPACITY) {
      states.remove(states.keySet().iterator().next());
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
      states.remove(token);
      return Optional.empty();
    }
    if (!state.scope().mailbox().equals(mailbox) || !state.scope().folderId().equals(folderId)) {
      return Optional.empty();
    }
    return Optional.of(state);
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
