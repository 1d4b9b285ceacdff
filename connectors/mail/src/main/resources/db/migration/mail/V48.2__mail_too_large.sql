-- A mail over MAIL_MAX_BYTES is stored as a stand-in (its header and a note); the mail itself stays on the server, and
-- the gateway never deletes it there.
ALTER TABLE mail_inbox ADD COLUMN too_large boolean NOT NULL DEFAULT false;
