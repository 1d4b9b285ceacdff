-- Attachments, consent language, and the automatic-notice marker. (Web chat sessions, created with these until
-- issue 15, are the web chat channel's V2.1; SplitMigrations explains the split.)

CREATE TABLE attachment (
    id            bigserial PRIMARY KEY,
    message_id    bigint NOT NULL REFERENCES message (id),
    content_type  text NOT NULL,
    file_name     text,
    size_bytes    integer NOT NULL CHECK (size_bytes >= 0),
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachment_message ON attachment (message_id);

ALTER TABLE contact ADD COLUMN language text;

-- When the last automatic notice (out of hours) went to this case, so it is sent once, not per message.
ALTER TABLE consultation_case ADD COLUMN auto_notice_at timestamptz;
