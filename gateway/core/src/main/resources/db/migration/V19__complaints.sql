-- The complaints register (苦情受付簿): every complaint about the desk's work, however it came, who answers for it
-- (the chief, 苦情解決責任者, unless the chief names someone), the response given and the day it was closed.
-- A complaint outlives the case it was about: retention may erase the case, not the register's entry.
CREATE TABLE complaint (
    id              bigserial PRIMARY KEY,
    office_id       bigint NOT NULL REFERENCES office (id),
    case_id         bigint REFERENCES consultation_case (id) ON DELETE SET NULL,
    received_at     timestamptz NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('webchat', 'line', 'mail', 'phone', 'walk_in', 'letter', 'other')),
    summary         text NOT NULL CHECK (length(summary) BETWEEN 1 AND 10000),
    responsible_id  bigint NOT NULL REFERENCES staff (id),
    response        text CHECK (length(response) <= 10000),
    closed_on       date,
    recorded_by     bigint NOT NULL REFERENCES staff (id),
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX complaint_by_office ON complaint (office_id, received_at DESC, id DESC);
