-- Triage models the chief installed with PUT /api/triage/model; the newest one is in force on every
-- instance (the model shipped in the jar while there is none). Each row keeps what the model and the
-- one it replaced scored on the shipped corpus when it was installed, so a later reader sees why it
-- was accepted.
CREATE TABLE triage_model (
    id                          bigserial PRIMARY KEY,
    content                     bytea NOT NULL,
    sha256                      text NOT NULL,
    -- The corpus the model says it was trained on, and the shipped corpus it was scored on.
    corpus_sha256               text NOT NULL,
    evaluated_corpus_sha256     text NOT NULL,
    features                    integer NOT NULL,
    staff_id                    bigint NOT NULL REFERENCES staff (id),
    created_at                  timestamptz NOT NULL,
    messages                    integer NOT NULL,
    micro_f1                    double precision NOT NULL,
    urgency_accuracy            double precision NOT NULL,
    crisis_recall               double precision NOT NULL,
    false_crisis_rate           double precision NOT NULL,
    replaced_sha256             text NOT NULL,
    replaced_micro_f1           double precision NOT NULL,
    replaced_urgency_accuracy   double precision NOT NULL,
    replaced_crisis_recall      double precision NOT NULL,
    replaced_false_crisis_rate  double precision NOT NULL
);

-- The corrections export keeps only a case's newest correction: found through this index.
CREATE INDEX triage_correction_case ON triage_correction (case_id, id);
