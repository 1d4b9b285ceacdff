-- Where a stored mail went when it was moved to MAIL_PROCESSED_FOLDER: the UID the server gave it there (COPYUID,
-- from servers with UIDPLUS). MAIL_SERVER_KEEP_DAYS deletes from that folder only mails found here as handled, never
-- one someone else put there, nor one whose new UID is unknown.
ALTER TABLE mail_inbox ADD COLUMN moved_uidvalidity bigint, ADD COLUMN moved_uid bigint;
CREATE INDEX mail_inbox_moved ON mail_inbox (mailbox, moved_uidvalidity, moved_uid) WHERE moved_uid IS NOT NULL;
