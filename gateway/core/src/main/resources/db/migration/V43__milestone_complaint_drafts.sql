-- A support milestone and a complaints-register entry name the console form they were written in, as replies,
-- handoffs and contacts do (V41, V42): the same form sent again after a lost answer or a double click records one,
-- not two that the city's monthly report would both count. A complaint may have no case: its draft is the recorder's.
ALTER TABLE case_milestone ADD COLUMN draft_id uuid;
CREATE UNIQUE INDEX case_milestone_draft ON case_milestone (case_id, draft_id) WHERE draft_id IS NOT NULL;
ALTER TABLE complaint ADD COLUMN draft_id uuid;
CREATE UNIQUE INDEX complaint_draft ON complaint (recorded_by, draft_id) WHERE draft_id IS NOT NULL;
