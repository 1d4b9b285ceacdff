-- Kurashi Gateway: the spine. PostgreSQL is the source of truth; every other
-- component (bus, sockets, caches) can be rebuilt from these tables.

CREATE TABLE office (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff (
    id              bigserial PRIMARY KEY,
    office_id       bigint NOT NULL REFERENCES office (id),
    login           text NOT NULL UNIQUE,
    display_name    text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'chief', 'consultant')),
    password_hash   text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    failed_logins   integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- A person, as linked by staff from one or more channel contacts.
CREATE TABLE resident (
    id          bigserial PRIMARY KEY,
    office_id   bigint NOT NULL REFERENCES office (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One channel identity: a LINE user id, a mail address, a web chat session.
CREATE TABLE contact (
    id               bigserial PRIMARY KEY,
    office_id        bigint NOT NULL REFERENCES office (id),
    channel          text NOT NULL,
    external_id      text NOT NULL,
    display_name     text,
    resident_id      bigint REFERENCES resident (id),
    reachable        boolean NOT NULL DEFAULT true,
    consent_at       timestamptz,
    consent_version  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id)
);

CREATE TABLE consultation_case (
    id               bigserial PRIMARY KEY,
    office_id        bigint NOT NULL REFERENCES office (id),
    contact_id       bigint NOT NULL REFERENCES contact (id),
    channel          text NOT NULL,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    urgency          text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('crisis', 'urgent', 'normal')),
    categories       text[] NOT NULL DEFAULT '{}',
    assignee_id      bigint REFERENCES staff (id),
    opened_at        timestamptz NOT NULL DEFAULT now(),
    last_message_at  timestamptz NOT NULL DEFAULT now(),
    last_inbound_at  timestamptz,
    closed_at        timestamptz,
    outcome          text
);
-- At most one open case per contact: the inbound upsert relies on it.
CREATE UNIQUE INDEX consultation_case_one_open_per_contact
    ON consultation_case (contact_id) WHERE status = 'open';
CREATE INDEX consultation_case_queue ON consultation_case (office_id, status, last_message_at DESC);

CREATE TABLE message (
    id              bigserial PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES consultation_case (id),
    contact_id      bigint NOT NULL REFERENCES contact (id),
    channel         text NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('in', 'out', 'note')),
    -- The channel's own id (LINE webhookEventId, Message-ID, web chat client id).
    -- NULLs never collide, so outbound messages without one are fine.
    external_id     text,
    body            text NOT NULL,
    staff_id        bigint REFERENCES staff (id),
    delivery        text NOT NULL CHECK (delivery IN ('received', 'queued', 'sent', 'failed', 'none')),
    delivery_error  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (channel, external_id)
);
CREATE INDEX message_case ON message (case_id, id);

-- Replies waiting for their channel. Workers claim rows with FOR UPDATE SKIP LOCKED
-- and a lease (claimed_until), so no network call ever runs inside a transaction.
CREATE TABLE outbox (
    id               bigserial PRIMARY KEY,
    message_id       bigint NOT NULL UNIQUE REFERENCES message (id),
    channel          text NOT NULL,
    idempotency_key  uuid NOT NULL UNIQUE,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    claimed_by       text,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE staff_session (
    token_hash    text PRIMARY KEY,
    staff_id      bigint NOT NULL REFERENCES staff (id),
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    remote_addr   text
);
CREATE INDEX staff_session_expiry ON staff_session (expires_at);

-- Every read of case content and every refused attempt.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    staff_id     bigint REFERENCES staff (id),
    case_id      bigint REFERENCES consultation_case (id),
    action       text NOT NULL,
    allowed      boolean NOT NULL,
    remote_addr  text,
    detail       jsonb
);
CREATE INDEX audit_log_case ON audit_log (case_id, at);

INSERT INTO office (code, name) VALUES ('default', 'くらしのサポートコーナー');
