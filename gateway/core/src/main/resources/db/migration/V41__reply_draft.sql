-- A consultant's reply names the draft it was written in (a random id the console makes for each draft). When the
-- answer to a reply is lost (a flaky line, a gateway restart), the console cannot know whether the reply was queued;
-- sending the same draft again must not reach the resident twice. One reply per draft and case.
ALTER TABLE message ADD COLUMN draft_id uuid;
CREATE UNIQUE INDEX message_reply_draft ON message (case_id, draft_id) WHERE draft_id IS NOT NULL;
