-- The audit trail (issue 15): one row per call that read or changed a user's mail, connections or
-- agent tokens, written by the gateway in batches, listed by ListAuditEvents and deleted after the
-- tenant's audit.retention_days. Never content: no subjects, addresses, bodies or queries.
--
-- user_id is the caller's user id (users.external_id) as the request named it, not a reference:
-- the trail outlives a deleted user, and records calls refused for users that do not exist.

CREATE TABLE audit_events (
  id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- When the gateway admitted the call.
  call_time      TIMESTAMPTZ NOT NULL,
  actor_type     TEXT        NOT NULL CHECK (actor_type IN ('API_KEY', 'AGENT_TOKEN', 'DASHBOARD_KEY')),
  -- The API key's name in the tenant file, or the agent token's id; never the key or token.
  actor_id       TEXT        NOT NULL,
  user_id        TEXT        NOT NULL,
  -- The connection the request named, '-' for all of the user's, '' for none.
  connection_id  TEXT        NOT NULL,
  method         TEXT        NOT NULL,
  -- The gRPC status name, and the ErrorInfo reason of a failed call ('' when it succeeded).
  status         TEXT        NOT NULL,
  reason         TEXT        NOT NULL,
  request_id     TEXT        NOT NULL
);

-- ListAuditEvents: one user's entries in a time range, newest first.
CREATE INDEX audit_events_by_user ON audit_events (user_id, call_time DESC, id DESC);
-- Retention sweeps delete the oldest entries first.
CREATE INDEX audit_events_by_time ON audit_events (call_time);
