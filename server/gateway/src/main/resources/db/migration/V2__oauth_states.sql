-- Pending OAuth authorizations. A row is created by StartAuthorization and consumed (deleted)
-- exactly once by the callback or CompleteAuthorization; expired rows are never accepted.
CREATE TABLE oauth_states (
  state_hash     BYTEA       PRIMARY KEY,   -- SHA-256 of the state; the state itself is not stored
  user_id        BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider       TEXT        NOT NULL CHECK (provider IN ('GMAIL', 'OUTLOOK')),
  code_verifier  TEXT        NOT NULL,      -- PKCE (S256) verifier, useless without the code
  return_url     TEXT        NOT NULL DEFAULT '',
  create_time    TIMESTAMPTZ NOT NULL DEFAULT now(),
  expire_time    TIMESTAMPTZ NOT NULL
);

CREATE INDEX oauth_states_by_expiry ON oauth_states (expire_time);
