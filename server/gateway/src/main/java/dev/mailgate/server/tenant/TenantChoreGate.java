package dev.mailgate.server.tenant;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a tenant's periodic chore (a retention sweep) start at most once an {@code interval} per
 * gateway, and not while another caller is starting it.
 */
public final class TenantChoreGate {

  private final Duration interval;
  private final Map<String, Long> lastStart = new ConcurrentHashMap<>();

  public TenantChoreGate(Duration interval) {
    this.interval = interval;
  }

  /** When the chore starts, if the tenant's last start here is older than the interval; empty otherwise. */
  public OptionalLong tryStart(String tenantId) {
    long now = System.nanoTime();
    Long last = lastStart.get(tenantId);
    if (last != null && now - last < interval.toNanos()) {
      return OptionalLong.empty();
    }
    boolean mine = last == null ? lastStart.putIfAbsent(tenantId, now) == null : lastStart.replace(tenantId, last, now);
    return mine ? OptionalLong.of(now) : OptionalLong.empty();
  }

  /** The chore that started at {@code started} left work undone: the next ask may start it again at once. */
  public void startAgainSoon(String tenantId, long started) {
    lastStart.remove(tenantId, started);
  }
}
