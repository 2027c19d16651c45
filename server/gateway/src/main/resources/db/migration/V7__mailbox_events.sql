-- Mailbox events (issue 12): the tenant's event log, read by WatchMailbox, WatchTenant and
-- ListMailboxEvents from a cursor.
--
-- A row's position is (tx_id, id): the id of the transaction that appended it, then the order of
-- appends. Readers pass only rows whose transaction is older than every transaction still in flight
-- (tx_id < pg_snapshot_xmin), so an event that commits late can never have a position below one a
-- reader already passed: no silent gaps.

CREATE TABLE mailbox_events (
  tx_id          XID8        NOT NULL DEFAULT pg_current_xact_id(),
  id             BIGINT      GENERATED ALWAYS AS IDENTITY,
  event_id       UUID        NOT NULL UNIQUE,
  connection_id  UUID        NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  user_id        BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sequence       BIGINT      NOT NULL,
  type           TEXT        NOT NULL
                 CHECK (type IN ('MESSAGE_ADDED', 'MESSAGE_DELETED', 'LABELS_CHANGED', 'CONNECTION_STATE_CHANGED')),
  observe_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- The message summary, label changes or new connection status, as the event type needs.
  payload        JSONB       NOT NULL DEFAULT '{}',
  PRIMARY KEY (tx_id, id)
);

CREATE INDEX mailbox_events_by_connection ON mailbox_events (connection_id, tx_id, id);
CREATE INDEX mailbox_events_by_user ON mailbox_events (user_id, tx_id, id);
CREATE INDEX mailbox_events_by_age ON mailbox_events (observe_time);

-- The last sequence handed out per connection, and the transaction that took it: appends lock this
-- row, so one connection's sequences follow its events' positions.
CREATE TABLE connection_event_state (
  connection_id  UUID   PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
  last_sequence  BIGINT NOT NULL,
  last_tx_id     XID8   NOT NULL
);

-- The highest position retention has deleted: a cursor below it may have missed events.
CREATE TABLE mailbox_event_retention (
  singleton      BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  deleted_tx_id  XID8   NOT NULL,
  deleted_id     BIGINT NOT NULL
);
INSERT INTO mailbox_event_retention (deleted_tx_id, deleted_id) VALUES ('0', 0);
