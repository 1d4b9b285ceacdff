-- Support milestones (issue 16 item 5): that an assessment, a support plan, a re-plan or an evaluation was done for a
-- case, and on which day. The plan itself lives in the national support-information system; this records the fact so
-- the city's monthly figures (プラン作成件数, 評価実施件数) come from one place. The office is kept on the row so the
-- figures stay when retention erases the case (its note goes with it).
CREATE TABLE case_milestone (
    id           bigserial PRIMARY KEY,
    office_id    bigint NOT NULL REFERENCES office (id),
    case_id      bigint REFERENCES consultation_case (id) ON DELETE SET NULL,
    kind         text NOT NULL CHECK (kind IN ('assessment', 'plan', 'replan', 'evaluation')),
    done_on      date NOT NULL,
    note         text CHECK (length(note) <= 2000),
    recorded_by  bigint NOT NULL REFERENCES staff (id),
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX case_milestone_by_case ON case_milestone (case_id);
CREATE INDEX case_milestone_by_month ON case_milestone (office_id, done_on);
