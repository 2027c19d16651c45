-- Fencing for watchers on several gateway nodes (issue 13): the highest lease epoch that wrote a
-- connection's watch state. A watcher's writes succeed only with an epoch at least this high, and
-- raise it to theirs, so a node whose lease was taken over writes nothing more.
ALTER TABLE connection_watch ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0;
