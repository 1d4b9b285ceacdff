-- How many times a retry round took a media row. A fetch that a crash cuts short records no attempt, so a file that
-- brings the gateway down while it downloads would otherwise be taken again after every restart without end: past
-- LINE_MEDIA_ATTEMPTS takings the row is given up, and `last_error` says so.
ALTER TABLE line_media ADD COLUMN taken integer NOT NULL DEFAULT 0;
