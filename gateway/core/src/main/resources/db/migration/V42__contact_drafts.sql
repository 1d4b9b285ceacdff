-- A contact made (a call, a visit) names the console form it was written in, as replies and handoffs do (V41): the
-- same form sent again after a lost answer or a double click records one contact, not two that the city's monthly
-- report would both count.
ALTER TABLE case_contact_log ADD COLUMN draft_id uuid;
CREATE UNIQUE INDEX case_contact_log_draft ON case_contact_log (case_id, draft_id) WHERE draft_id IS NOT NULL;
