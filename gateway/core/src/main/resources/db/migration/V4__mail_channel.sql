-- Email channel: subjects, and automated (auto-submitted, bulk, bounce) messages marked so nothing answers them.
-- (The IMAP cursor and the raw inbox, created with these until issue 15, are the mail channel's V4.1.)

ALTER TABLE message ADD COLUMN subject text;
ALTER TABLE message ADD COLUMN automated boolean NOT NULL DEFAULT false;
