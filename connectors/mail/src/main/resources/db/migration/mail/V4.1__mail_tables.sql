-- Email channel: the IMAP cursor and every fetched mail kept raw until processed (split out of core's V4 in
-- issue 15: a channel owns its tables).

-- Where the poller stopped in each mailbox folder; a changed UIDVALIDITY starts the folder over,
-- which re-ingests nothing because messages are deduplicated by Message-ID.
CREATE TABLE mail_cursor (
    mailbox      text PRIMARY KEY,
    uidvalidity  bigint NOT NULL,
    last_uid     bigint NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A fetched mail, raw, from the moment it is fetched: parsing happens afterwards, so a mail that
-- fails to parse is kept for replay and, after three attempts, quarantined instead of blocking.
CREATE TABLE mail_inbox (
    id           bigserial PRIMARY KEY,
    mailbox      text NOT NULL,
    uidvalidity  bigint NOT NULL,
    uid          bigint NOT NULL,
    raw          bytea NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'quarantined')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    message_id   bigint REFERENCES message (id),
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (mailbox, uidvalidity, uid)
);
CREATE INDEX mail_inbox_pending ON mail_inbox (id) WHERE status = 'pending';
