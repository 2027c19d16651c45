package dev.mailgate.server;

import java.time.Duration;

/**
 * What the gateway may hold in memory at most, so that no load can grow it without end.
 *
 * @param providerQueue calls that may wait for a thread of each blocking provider pool (Gmail,
 *     IMAP), and calls that may wait per mailbox for one of Microsoft Graph's 4 concurrent
 *     requests; more are refused with UNAVAILABLE / GATEWAY_OVERLOADED and a RetryInfo
 * @param databaseWaiters calls that may wait for a connection of one database pool; more are
 *     refused the same way
 * @param cacheEntries entries each cache (decrypted access tokens, Graph folder ids, connections found owned, verified API
 *     keys) keeps at most; the least used go first
 * @param cacheExpiry how long a cached entry lives at most (an access token also leaves when it
 *     nears its own expiry; Graph folder ids leave after a minute)
 */
public record MemoryBounds(int providerQueue, int databaseWaiters, int cacheEntries, Duration cacheExpiry) {

  public static final MemoryBounds DEFAULT = new MemoryBounds(1024, 1024, 10_000, Duration.ofMinutes(10));

  public MemoryBounds {
    if (providerQueue < 1 || databaseWaiters < 1 || cacheEntries < 1) {
      throw new IllegalArgumentException("queue and cache bounds must be at least 1");
    }
    if (cacheExpiry.isNegative() || cacheExpiry.isZero()) {
      throw new IllegalArgumentException("the cache expiry must be positive");
    }
  }

  public MemoryBounds withProviderQueue(int calls) {
    return new MemoryBounds(calls, databaseWaiters, cacheEntries, cacheExpiry);
  }

  public MemoryBounds withDatabaseWaiters(int calls) {
    return new MemoryBounds(providerQueue, calls, cacheEntries, cacheExpiry);
  }

  public MemoryBounds withCacheEntries(int entries) {
    return new MemoryBounds(providerQueue, databaseWaiters, entries, cacheExpiry);
  }

  public MemoryBounds withCacheExpiry(Duration expiry) {
    return new MemoryBounds(providerQueue, databaseWaiters, cacheEntries, expiry);
  }
}
