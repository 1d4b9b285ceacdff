-- Consent on every channel (issue 16 item 3). A LINE contact who writes before agreeing to the privacy notice is
-- asked once per notice version: the version last asked is kept, so a second message does not ask again. A handoff
-- records whether the resident agreed to their information being shared with the agency named (NULL: no agency, or
-- recorded before this column existed).
ALTER TABLE contact ADD COLUMN consent_asked_version text;
ALTER TABLE handoff ADD COLUMN sharing_consent boolean;
