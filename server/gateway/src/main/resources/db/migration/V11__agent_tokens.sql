-- Agent tokens (issue 14): short-lived credentials a tenant's backend mints for an AI agent, scoped
-- to one user, optionally some of that user's connections, and a set of scopes. Only the SHA-256 of
-- a token is kept; the token itself is shown once, by CreateAgentToken.

CREATE TABLE agent_tokens (
  id               UUID        PRIMARY KEY,
  user_id          BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_sha256     BYTEA       NOT NULL UNIQUE,
  -- The connections the token may use; empty: all of the user's, including later ones.
  connection_ids   UUID[]      NOT NULL DEFAULT '{}',
  scopes           TEXT[]      NOT NULL CHECK (cardinality(scopes) > 0),
  create_time      TIMESTAMPTZ NOT NULL DEFAULT now(),
  expire_time      TIMESTAMPTZ NOT NULL,
  revoke_time      TIMESTAMPTZ
);

-- Expired tokens are found by their expiry when they are purged.
CREATE INDEX agent_tokens_by_expiry ON agent_tokens (expire_time);
