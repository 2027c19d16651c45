-- Token buckets shared by every gateway node that serves this tenant (rate_limits in the tenant
-- file). A node does not touch this row per call: it leases a batch of tokens at a time with one
-- INSERT ... ON CONFLICT DO UPDATE that refills the bucket by the time elapsed (the database's clock)
-- and takes min(asked, available); it then spends the batch in memory. `granted` is what the last
-- lease took, so the statement can return it.
CREATE TABLE rate_limit_buckets (
  scope       TEXT PRIMARY KEY,
  tokens      DOUBLE PRECISION NOT NULL,
  granted     DOUBLE PRECISION NOT NULL,
  refilled_at TIMESTAMPTZ NOT NULL
);
