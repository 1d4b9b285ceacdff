-- Every consultation in one record (issue 16 items 1 and 2). A case opened by staff for a consultation that came by
-- phone, at the window, on an outreach visit or from a partner agency has that route as its channel (phone,
-- walk_in, outreach, referral) and a contact of the same channel standing for the person; online cases keep their
-- channel. Who consulted (the person, family, an acquaintance, an agency) and who sent them (相談経路) are recorded
-- on every case; contacts staff made (calls, visits, accompanying, agency meetings) and the next follow-up day too.
ALTER TABLE consultation_case
    ADD COLUMN consulter text CHECK (consulter IN ('self', 'family', 'acquaintance', 'agency')),
    ADD COLUMN referral_source text CHECK (referral_source IN ('agency', 'neighbour', 'former_client', 'ward_office', 'self')),
    ADD COLUMN referral_agency_id bigint REFERENCES agency (id),
    ADD COLUMN follow_up_on date;
CREATE INDEX consultation_case_follow_up ON consultation_case (office_id, follow_up_on) WHERE follow_up_on IS NOT NULL;

-- A contact staff made or had for a case. The office and kind stay when retention erases the case (the monthly
-- figures count follow-ups done); the note goes with the case.
CREATE TABLE case_contact_log (
    id           bigserial PRIMARY KEY,
    office_id    bigint NOT NULL REFERENCES office (id),
    case_id      bigint REFERENCES consultation_case (id) ON DELETE SET NULL,
    kind         text NOT NULL CHECK (kind IN ('phone_call', 'visit', 'accompany', 'agency_meeting')),
    at           timestamptz NOT NULL,
    note         text CHECK (length(note) <= 2000),
    staff_id     bigint NOT NULL REFERENCES staff (id),
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX case_contact_log_by_case ON case_contact_log (case_id);
CREATE INDEX case_contact_log_by_month ON case_contact_log (office_id, at);
