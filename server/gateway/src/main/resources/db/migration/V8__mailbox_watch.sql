-- Watching mailboxes for changes (issue 12): per watched connection, the provider change feed's
-- cursor and push subscription, and the labels last seen of the messages a feed compares.
--
-- A watcher commits a new cursor in the same transaction as the events it produced (and the known
-- labels it changed), so a crash repeats changes and never skips them.

CREATE TABLE connection_watch (
  connection_id  UUID        PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
  -- The change feed's own cursor (a Gmail historyId, Graph delta links, IMAP UIDVALIDITY/UIDNEXT).
  cursor         TEXT        NOT NULL,
  -- The provider's push subscription, when there is one: its id (if notifications name it), the
  -- channel's state (never logged) and when to renew it.
  push_id        TEXT,
  push_state     TEXT,
  push_renew_at  TIMESTAMPTZ,
  update_time    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX connection_watch_by_push_id ON connection_watch (push_id) WHERE push_id IS NOT NULL;

CREATE TABLE watched_messages (
  connection_id  UUID   NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  message_id     TEXT   NOT NULL,
  labels         TEXT[] NOT NULL,
  PRIMARY KEY (connection_id, message_id)
);

-- A lost provider history is an event of its connection, in its order.
ALTER TABLE mailbox_events DROP CONSTRAINT mailbox_events_type_check;
ALTER TABLE mailbox_events ADD CONSTRAINT mailbox_events_type_check CHECK (type IN
  ('MESSAGE_ADDED', 'MESSAGE_DELETED', 'LABELS_CHANGED', 'CONNECTION_STATE_CHANGED', 'RESYNC_REQUIRED'));
