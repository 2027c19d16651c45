package dev.mailgate.server.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides which failures of a tenant's database get a log line: the first one, then at most one
 * per tenant per {@link #INTERVAL}, each telling how many were left out meanwhile. A database that
 * is down fails every call of its tenant; a line per call (with a stack trace) would drown the log.
 * Bounded: it remembers at most {@link #MAX_TENANTS} tenants, forgetting the least recently logged.
 */
final class DatabaseFailureLog {

  static final Duration INTERVAL = Duration.ofSeconds(30);
  static final int MAX_TENANTS = 10_000;

  private static final class Entry {
    long lastLogged;
    long suppressed;
  }

  private final LongSupplier clock;
  private final Map<String, Entry> tenants = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_TENANTS;
    }
  };

  DatabaseFailureLog(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /**
   * Whether this failure of {@code tenantId} is to be logged: -1 if not, else how many failures
   * of that tenant were left out since its last line.
   */
  synchronized long admit(String tenantId) {
    long now = clock.getAsLong();
    Entry entry = tenants.get(tenantId);
    if (entry == null) {
      entry = new Entry();
      entry.lastLogged = now;
      tenants.put(tenantId, entry);
      return 0;
    }
    if (now - entry.lastLogged < INTERVAL.toNanos()) {
      entry.suppressed++;
      return -1;
    }
    long suppressed = entry.suppressed;
    entry.lastLogged = now;
    entry.suppressed = 0;
    return suppressed;
  }
}
