-- Mailgate tenant schema, version 1. Every tenant has its own copy of these tables, in its own
-- database (or its own schema on a shared server); nothing here names a tenant.

CREATE TABLE users (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  external_id  TEXT        NOT NULL UNIQUE,          -- the caller's user_id
  email        TEXT        NOT NULL DEFAULT '',
  create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
  update_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE connections (
  id                  UUID        PRIMARY KEY,
  user_id             BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider            TEXT        NOT NULL CHECK (provider IN ('GMAIL', 'OUTLOOK', 'IMAP')),
  email_address       TEXT        NOT NULL,
  scopes              TEXT[]      NOT NULL DEFAULT '{}',
  status              TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'NEEDS_REAUTH', 'DISCONNECTED')),
  -- Credentials are Tink AEAD ciphertexts bound to tenant + connection + field; never plaintext.
  access_token        BYTEA,
  refresh_token       BYTEA,
  access_token_expire_time TIMESTAMPTZ,
  settings            JSONB       NOT NULL DEFAULT '{}',  -- provider settings (IMAP hosts, ports), no secrets
  create_time         TIMESTAMPTZ NOT NULL DEFAULT now(),
  update_time         TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_time      TIMESTAMPTZ,
  UNIQUE (user_id, provider, email_address)
);

-- ListConnections pages newest first per user.
CREATE INDEX connections_by_user ON connections (user_id, create_time DESC, id DESC);
