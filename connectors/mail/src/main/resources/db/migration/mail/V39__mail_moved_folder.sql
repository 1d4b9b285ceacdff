-- The processed folder a mail was moved to, with its UID there (V38): UIDVALIDITY is unique per folder name only, so
-- after MAIL_PROCESSED_FOLDER changes, the old folder's UIDs must never be matched against the mails of the new one.
ALTER TABLE mail_inbox ADD COLUMN moved_folder text;
DROP INDEX mail_inbox_moved;
CREATE INDEX mail_inbox_moved ON mail_inbox (mailbox, moved_folder, moved_uidvalidity, moved_uid) WHERE moved_uid IS NOT NULL;
