-- Erasing a case deletes its messages and its contact; each delete makes PostgreSQL check every table that points at
-- the row, and without an index that check reads the whole table, once per message, inside the erasing transaction.
CREATE INDEX IF NOT EXISTS handoff_message ON handoff (message_id) WHERE message_id IS NOT NULL;
-- The only index on contact_id was for open cases; the check on a deleted contact looks at closed ones too.
CREATE INDEX IF NOT EXISTS consultation_case_contact ON consultation_case (contact_id) WHERE contact_id IS NOT NULL;
-- Retention erases a kept case together with the cases merged into it.
CREATE INDEX IF NOT EXISTS consultation_case_merged_into ON consultation_case (merged_into) WHERE merged_into IS NOT NULL;
