-- Erasing a case deletes its messages; each delete checks mail_inbox, whose rows are kept for years (bytes dropped):
-- without this index, a whole-table read per message inside the erasing transaction.
CREATE INDEX IF NOT EXISTS mail_inbox_message ON mail_inbox (message_id) WHERE message_id IS NOT NULL;
