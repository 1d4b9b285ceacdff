-- A mail whose processing fails waits before its next attempt instead of being tried again at once,
-- so a poison mail never holds up the mails behind it; the wait grows with each attempt, and the
-- attempt count stays in the row so a restart neither forgets it nor retries early.
-- (The pending rows are few: the partial index mail_inbox_pending still serves the due look-up.)
ALTER TABLE mail_inbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
