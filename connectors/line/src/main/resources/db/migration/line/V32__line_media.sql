-- A resident's LINE photo, video, voice message or file is fetched from LINE after the webhook's 200. Each one gets
-- a row here right after its message's commit and before that 200, so a fetch that fails, or that a restart cuts
-- short, is tried again until the file is stored or LINE no longer has it; `last_error` then says why the message has
-- no attachment. A video or voice message is fetched once LINE has prepared it; an unsent message's row is deleted.
CREATE TABLE line_media (
    message_id       bigint PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE,
    line_message_id  text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'file')),
    file_name        text,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text
);

CREATE INDEX line_media_due ON line_media (next_attempt_at) WHERE status = 'pending';
