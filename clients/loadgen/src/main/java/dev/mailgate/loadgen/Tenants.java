package dev.mailgate.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tenants calls go to, with their credentials. With one tenant the id and key are used as
 * given; with {@code count > 1} both are {@link String#format} patterns applied to each i in
 * [0, count) (e.g. {@code bench%04d} and {@code mgk_bench_bench%04d}), and {@link #next()} hands
 * them out round-robin, starting at tenant 0. Thread-safe.
 */
public final class Tenants {

  /** One tenant's call metadata. {@code toString} never shows the key. */
  public record Credentials(String tenantId, String apiKey) {
    public String authorization() {
      return "Bearer " + apiKey;
    }

    @Override
    public String toString() {
      return "Credentials[tenantId=" + tenantId + "]";
    }
  }

  private final List<Credentials> all;
  private final AtomicLong calls = new AtomicLong();

  private Tenants(List<Credentials> all) {
    this.all = List.copyOf(all);
  }

  public static Tenants single(String tenantId, String apiKey) {
    return new Tenants(List.of(new Credentials(tenantId, apiKey)));
  }

  /** {@code count} tenants from the two patterns; {@code count == 1} takes them literally. */
  public static Tenants of(String tenantPattern, String apiKeyPattern, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("the tenant count must be at least 1");
    }
    if (count == 1) {
      return single(tenantPattern, apiKeyPattern);
    }
    List<Credentials> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(new Credentials(String.format(Locale.ROOT, tenantPattern, i), String.format(Locale.ROOT, apiKeyPattern, i)));
    }
    if (all.get(0).tenantId().equals(all.get(1).tenantId())) {
      throw new IllegalArgumentException("--tenant must be a pattern such as bench%04d when --tenant-count > 1");
    }
    return new Tenants(all);
  }

  /** The next tenant, round-robin. */
  public Credentials next() {
    return all.get((int) Math.floorMod(calls.getAndIncrement(), (long) all.size()));
  }

  public int size() {
    return all.size();
  }

  public Credentials get(int index) {
    return all.get(index);
  }

  /** "acme" or "bench0000..bench0999 (1000 tenants)". */
  public String describe() {
    return all.size() == 1 ? all.get(0).tenantId()
        : all.get(0).tenantId() + ".." + all.get(all.size() - 1).tenantId() + " (" + all.size() + " tenants)";
  }
}
