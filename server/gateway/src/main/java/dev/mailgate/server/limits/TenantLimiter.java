package dev.mailgate.server.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailgate.tenant.config.RateLimits;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;

/**
 * The limits of one tenant, in the order a call meets them: the tenant's token bucket (shared by all
 * gateway nodes, {@link SharedBucket}), then the bucket of the request's user (this node's, in a
 * map of at most {@value #MAX_USERS} users that forgets a user once their bucket would be full
 * again), then the cap on the tenant's calls in flight on this node.
 */
public final class TenantLimiter {

  /** For tenants without limits, and for gateways run with limits off. */
  static final TenantLimiter UNLIMITED = new TenantLimiter(null, Optional.empty(), null);

  static final int MAX_USERS = 10_000;

  private static final Future<Void> ADMITTED = Future.succeededFuture();

  private final SharedBucket tenant;
  private final RateLimits.Rate perUser;
  private final Cache<String, TokenBucket> users;
  private final InFlightLimit inFlight;

  TenantLimiter(SharedBucket tenant, Optional<RateLimits.Rate> perUser, InFlightLimit inFlight) {
    this.tenant = tenant;
    this.perUser = perUser.orElse(null);
    this.users = perUser.map(rate -> Caffeine.newBuilder()
        .maximumSize(MAX_USERS)
        .expireAfterAccess(refillTime(rate))
        .<String, TokenBucket>build()).orElse(null);
    this.inFlight = inFlight;
  }

  /** Time for an empty bucket to fill up: a bucket idle that long is the same as a new one. */
  private static Duration refillTime(RateLimits.Rate rate) {
    return Duration.ofMillis(Math.max(1000, 1000L * rate.burst() / rate.requestsPerSecond() + 1));
  }

  /** Takes a token of the tenant's bucket; fails with RATE_LIMITED and a retry delay when there is none. */
  public Future<Void> admit() {
    return tenant == null ? ADMITTED : tenant.admit();
  }

  /** Whether calls naming a user are limited per user (then call {@link #admitUser}). */
  public boolean limitsUsers() {
    return users != null;
  }

  /** Takes a token of this user's bucket, or throws RATE_LIMITED with a retry delay. */
  public void admitUser(String userId) {
    if (users == null) {
      return;
    }
    long now = System.nanoTime();
    long wait = users.get(userId, id -> new TokenBucket(perUser, now)).tryTake(now);
    if (wait > 0) {
      throw Refusals.rateLimited("user", wait);
    }
  }

  /**
   * Takes one of the tenant's in-flight slots on this node, or throws RATE_LIMITED. Returns whether
   * a slot was taken: then {@link #exit()} must be called once when the call's work ends.
   */
  public boolean enter() {
    if (inFlight == null) {
      return false;
    }
    inFlight.enter();
    return true;
  }

  /** Gives back the slot {@link #enter()} took. */
  public void exit() {
    inFlight.exit();
  }
}
