package dev.mailgate.server.events;

import java.util.Optional;

/**
 * Where an event stands in the tenant's event log: the id of the transaction that appended it
 * ({@code pg_current_xact_id()}), then the row's id. Readers pass events in this order.
 */
public record LogPosition(long txId, long id) implements Comparable<LogPosition> {

  /** Before every event. */
  public static final LogPosition START = new LogPosition(0, 0);

  @Override
  public int compareTo(LogPosition other) {
    int byTransaction = Long.compareUnsigned(txId, other.txId);
    return byTransaction != 0 ? byTransaction : Long.compare(id, other.id);
  }

  /** The later of the two. */
  public LogPosition max(LogPosition other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /** The text a cursor seals: {@code txId.id}. */
  public String encode() {
    return Long.toUnsignedString(txId) + "." + id;
  }

  /** The position {@link #encode()} wrote; empty for anything else. */
  public static Optional<LogPosition> decode(String text) {
    int dot = text.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LogPosition(Long.parseUnsignedLong(text.substring(0, dot)),
          Long.parseLong(text.substring(dot + 1))));
    } catch (NumberFormatException malformed) {
      return Optional.empty();
    }
  }
}
