-- A consultant's reply or handoff names the draft it was written in (a random id the console makes for each draft).
-- When the answer to a send is lost (a flaky line, a gateway restart), the console cannot know whether it was stored;
-- sending the same draft again must not reach the resident twice, nor count a handoff twice in the city's report.
-- One reply, and one handoff, per draft and case.
ALTER TABLE message ADD COLUMN draft_id uuid;
CREATE UNIQUE INDEX message_reply_draft ON message (case_id, draft_id) WHERE draft_id IS NOT NULL;
ALTER TABLE handoff ADD COLUMN draft_id uuid;
CREATE UNIQUE INDEX handoff_draft ON handoff (case_id, draft_id) WHERE draft_id IS NOT NULL;
