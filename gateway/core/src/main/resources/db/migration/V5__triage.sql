-- Triage: what each message was found to be about, staff corrections, the rules in force.

CREATE TABLE triage_result (
    message_id  bigint PRIMARY KEY REFERENCES message (id),
    case_id     bigint NOT NULL REFERENCES consultation_case (id),
    categories  text[] NOT NULL,
    urgency     text NOT NULL CHECK (urgency IN ('crisis', 'urgent', 'normal')),
    matched     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX triage_result_case ON triage_result (case_id);

-- Staff corrections, kept to improve the rules: what triage said, what staff set.
CREATE TABLE triage_correction (
    id                   bigserial PRIMARY KEY,
    case_id              bigint NOT NULL REFERENCES consultation_case (id),
    staff_id             bigint NOT NULL REFERENCES staff (id),
    previous_categories  text[] NOT NULL,
    previous_urgency     text NOT NULL,
    categories           text[] NOT NULL,
    urgency              text NOT NULL CHECK (urgency IN ('crisis', 'urgent', 'normal')),
    at                   timestamptz NOT NULL DEFAULT now()
);

-- Rules files as the chief saved them; the newest is in force on every instance.
CREATE TABLE triage_rules (
    id          bigserial PRIMARY KEY,
    content     text NOT NULL,
    staff_id    bigint REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- crisis_at: when a crisis was first seen; a case with one is never closed automatically.
ALTER TABLE consultation_case ADD COLUMN crisis_at timestamptz;
ALTER TABLE consultation_case ADD COLUMN safety_notice_at timestamptz;
ALTER TABLE consultation_case ADD COLUMN triage_corrected boolean NOT NULL DEFAULT false;
