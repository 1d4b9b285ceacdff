-- Web chat sessions (split out of core's V2 in issue 15: a channel owns its tables).

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
