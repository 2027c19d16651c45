package dev.mailgate.server.limits;

import dev.mailgate.tenant.config.RateLimits;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Token buckets kept in the tenant's own database ({@code rate_limit_buckets}), shared by every
 * gateway node serving the tenant. One statement refills a bucket by the time elapsed since its last
 * lease, on the database's clock (so the nodes' clocks do not matter), and takes up to the tokens
 * asked for; a bucket seen for the first time starts full. The row lock is held for that statement
 * only.
 */
final class BucketLeases {

  /** What one lease took, and the (fractional) tokens left in the bucket after it. */
  record Lease(long granted, double tokensLeft) {}

  // $1 scope, $2 burst, $3 tokens asked for, $4 tokens per second. On conflict the expressions read
  // the row as it is after any concurrent lease (ON CONFLICT DO UPDATE works on the latest version);
  // refilled_at never goes back, so two leases in one instant refill once.
  private static final String AVAILABLE =
      "least($2::float8, b.tokens + $4::float8 * greatest(0, extract(epoch FROM now() - b.refilled_at)::float8))";
  static final String LEASE = """
      INSERT INTO {schema}.rate_limit_buckets AS b (scope, tokens, granted, refilled_at)
      VALUES ($1, $2::float8 - least($3::float8, $2::float8), least($3::float8, $2::float8), now())
      ON CONFLICT (scope) DO UPDATE SET
        tokens = %1$s - least($3::float8, floor(%1$s)),
        granted = least($3::float8, floor(%1$s)),
        refilled_at = greatest(b.refilled_at, now())
      RETURNING granted, tokens""".formatted(AVAILABLE);

  private BucketLeases() {}

  /** Takes up to {@code want} tokens from the bucket {@code scope} of this rate. */
  static Future<Lease> lease(SqlClient db, String scope, RateLimits.Rate rate, int want) {
    return db.preparedQuery(LEASE)
        .execute(Tuple.of(scope, (double) rate.burst(), (double) want, (double) rate.requestsPerSecond()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Lease((long) row.getDouble("granted").doubleValue(), row.getDouble("tokens"));
        });
  }
}
