-- Webhooks (issue 13): the tenant's endpoints, each with its own position in the event log, and the
-- deliveries queued for them.
--
-- A node moves an endpoint's position and queues the events it passed in one transaction (holding
-- the endpoint's row, FOR UPDATE SKIP LOCKED), so every event is queued once per pass. A node claims
-- due deliveries (FOR UPDATE SKIP LOCKED) by pushing their next attempt past the longest attempt and
-- counting the attempt; only the claimant's answer (same attempt count) is recorded. A delivery is
-- due only when no earlier pending delivery of the same endpoint and connection exists: in order
-- per connection and endpoint, and one connection never holds up another.

CREATE TABLE webhook_endpoints (
  id                           UUID        PRIMARY KEY,
  url                          TEXT        NOT NULL,
  -- Event types wanted (empty: all) and users whose connections' events are wanted (empty: all).
  event_types                  TEXT[]      NOT NULL DEFAULT '{}',
  user_ids                     TEXT[]      NOT NULL DEFAULT '{}',
  enabled                      BOOLEAN     NOT NULL DEFAULT true,
  disabled_reason              TEXT,
  -- The signing secrets, encrypted with the tenant's keyset (associated data: tenant, endpoint id).
  secret                       BYTEA       NOT NULL,
  previous_secret              BYTEA,
  previous_secret_expire_time  TIMESTAMPTZ,
  -- The position in mailbox_events after which events have not been queued yet.
  position_tx_id               XID8        NOT NULL,
  position_id                  BIGINT      NOT NULL,
  create_time                  TIMESTAMPTZ NOT NULL DEFAULT now(),
  update_time                  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id                 BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id        UUID        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id           UUID        NOT NULL,
  event_type         TEXT        NOT NULL,
  -- The event's connection; the nil UUID for a test event.
  connection_id      UUID        NOT NULL,
  -- The request body, fixed when queued so that every attempt sends the same bytes.
  body               TEXT        NOT NULL,
  status             TEXT        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'DEAD_LETTERED')),
  attempts           INT         NOT NULL DEFAULT 0,
  last_status_code   INT,
  last_error         TEXT,
  next_attempt_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
  create_time        TIMESTAMPTZ NOT NULL DEFAULT now(),
  update_time        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_time) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, connection_id, id) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_of_endpoint ON webhook_deliveries (endpoint_id, id);
-- Finished deliveries are kept for the API and removed after a retention period.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (update_time) WHERE status <> 'PENDING';
