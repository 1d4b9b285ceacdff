-- Staff sessions end after SESSION_IDLE_MINUTES without use as well as at expires_at (issue 14, item 7).
-- last_seen_at is moved forward by the console's own calls at most once a minute (not by the open event
-- stream, nor by refreshes the stream triggers), so a console left open on a shared PC still times out.
-- Sessions open at the upgrade count from their login.
ALTER TABLE staff_session ADD COLUMN last_seen_at timestamptz;
UPDATE staff_session SET last_seen_at = created_at;
ALTER TABLE staff_session ALTER COLUMN last_seen_at SET NOT NULL;
