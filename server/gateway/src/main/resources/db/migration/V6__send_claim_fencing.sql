-- Fenced send claims. Every claim or takeover of a send_requests row increments `generation`;
-- the holder records what it did only while the row still has its generation and is PENDING, so
-- an attempt that lost its claim can change nothing. `deadline` is when the holder gives up: it
-- starts no provider send call that could end after it, and nobody may take a PENDING claim over
-- before it. Rows from before this migration get a deadline in the past.
ALTER TABLE send_requests
  ADD COLUMN generation        BIGINT      NOT NULL DEFAULT 1,
  ADD COLUMN deadline          TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Outlook: the draft (an immutable id) this send goes out as, recorded before it is sent; once
  -- sent, Graph files that same item in Sent Items under the same id.
  ADD COLUMN provider_draft_id TEXT;
