-- Web chat sessions, attachments, consent language, and the automatic-notice marker.

-- A browser's chat: the token is a bearer secret (only its hash is kept); contact_ref is the
-- opaque id the conversation's contact row uses, so the token never appears elsewhere.
CREATE TABLE webchat_session (
    id            bigserial PRIMARY KEY,
    office_id     bigint NOT NULL REFERENCES office (id),
    token_hash    text NOT NULL UNIQUE,
    contact_ref   text NOT NULL UNIQUE,
    language      text NOT NULL DEFAULT 'ja',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);

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
