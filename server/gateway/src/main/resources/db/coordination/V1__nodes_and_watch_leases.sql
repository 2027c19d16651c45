-- The coordination database of a deployment (issue 13): which gateway nodes are alive, and which
-- node watches each watched connection. Tenant data and events stay in the tenant databases.

CREATE TABLE nodes (
  node_id       UUID        PRIMARY KEY,
  start_time    TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_time TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One lease per watched connection. Its owner reads the connection's change feed; every write the
-- owner makes in the tenant database carries the lease's epoch, and the tenant database keeps the
-- highest epoch that wrote (connection_watch.lease_epoch), so a node that lost its lease (paused,
-- partitioned) cannot write after another took over.
CREATE TABLE watch_leases (
  tenant_id     TEXT        NOT NULL,
  connection_id UUID        NOT NULL,
  owner         UUID,
  epoch         BIGINT      NOT NULL DEFAULT 0,
  expire_time   TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
  create_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id)
) WITH (fillfactor = 70);
-- Renewals rewrite expire_time of every lease a node holds every few seconds: no index on it, and
-- room on each page, so those are heap-only updates. Claims scan for expired leases, rarely.
CREATE INDEX watch_leases_by_owner ON watch_leases (owner);
