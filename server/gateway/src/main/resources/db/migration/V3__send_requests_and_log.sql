-- Idempotent sends: one row per (user, request_id). The first call claims the key (PENDING),
-- sends, and records the outcome; retries with the same key and payload get the same result.
CREATE TABLE send_requests (
  user_id              BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  request_id           TEXT        NOT NULL,
  connection_id        UUID        NOT NULL,
  payload_sha256       BYTEA       NOT NULL,
  message_id_header    TEXT        NOT NULL,   -- the RFC 5322 Message-ID this send carries
  -- PENDING: a call is sending; SENT / FAILED: the provider did / certainly did not send;
  -- UNKNOWN: the provider failed in a way that does not tell (looked up before any new attempt).
  state                TEXT        NOT NULL CHECK (state IN ('PENDING', 'SENT', 'FAILED', 'UNKNOWN')),
  provider_message_id  TEXT,
  provider_thread_id   TEXT,
  error                TEXT,
  create_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
  update_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, request_id)
);

CREATE INDEX send_requests_by_age ON send_requests (create_time);

-- The audit log of every send attempt with a known outcome; ReportService reads it. Rows stay
-- when the connection is deleted; they go with the user (DeleteUser erases).
CREATE TABLE send_log (
  id                   BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id              BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  connection_id        UUID        NOT NULL,
  recipients           TEXT[]      NOT NULL,
  subject              TEXT        NOT NULL,
  provider_message_id  TEXT,
  status               TEXT        NOT NULL CHECK (status IN ('SENT', 'FAILED')),
  error                TEXT,
  send_time            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX send_log_by_user ON send_log (user_id, send_time);
CREATE INDEX send_log_by_time ON send_log (send_time);
