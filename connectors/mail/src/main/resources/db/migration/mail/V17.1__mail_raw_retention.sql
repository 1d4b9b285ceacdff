-- Retention of raw mails (split out of core's V17 in issue 15: a channel owns its tables).

-- A processed mail's raw bytes are dropped after MAIL_RAW_KEEP_DAYS; the row stays (mailbox, uid, the message it
-- became), so a re-fetch of the same UID is still ignored; a re-sent mail is still deduplicated by its Message-ID.
ALTER TABLE mail_inbox ALTER COLUMN raw DROP NOT NULL;
CREATE INDEX mail_inbox_raw_kept ON mail_inbox (fetched_at) WHERE raw IS NOT NULL AND status <> 'pending';
