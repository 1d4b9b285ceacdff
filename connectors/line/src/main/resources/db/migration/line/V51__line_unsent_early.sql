-- A LINE message its resident took back before the gateway had stored it: the message's delivery got no 200 (the
-- database restarting, the gateway busy), the unsend's did, and LINE redelivers the message later. It is remembered
-- here, so the redelivery is acknowledged and never stored: what the resident took back is not kept. Ids only, no
-- text; a row goes 30 days after it was written (LINE has long stopped redelivering by then), at the next insert.
CREATE TABLE line_unsent_early (
    office_id        bigint NOT NULL REFERENCES office (id),
    user_id          text NOT NULL,
    line_message_id  text NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office_id, user_id, line_message_id)
);

CREATE INDEX line_unsent_early_at ON line_unsent_early (at);
