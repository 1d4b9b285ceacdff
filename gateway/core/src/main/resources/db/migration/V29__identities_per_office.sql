-- One deployment serves several offices (issue 17 item 4): a channel identity belongs to the office it wrote to.
-- The same LINE user or mail address writing to two wards is two contacts, two cases, seen by each ward's staff
-- only; a mail with one Message-ID sent to two wards' mailboxes is stored once in each.
ALTER TABLE contact DROP CONSTRAINT contact_channel_external_id_key;
ALTER TABLE contact ADD CONSTRAINT contact_office_channel_external_id_key UNIQUE (office_id, channel, external_id);

-- Every message carries its office, so the channel's own id is unique per office. The inbound statements give it
-- (their case may be opened by the same statement, which a trigger could not see yet); every other writer (replies,
-- notes, notices, staff-recorded consultations) gets its case's office from the trigger.
ALTER TABLE message ADD COLUMN office_id bigint REFERENCES office (id);
UPDATE message m SET office_id = c.office_id FROM consultation_case c WHERE c.id = m.case_id;
ALTER TABLE message ALTER COLUMN office_id SET NOT NULL;
ALTER TABLE message DROP CONSTRAINT message_channel_external_id_key;
ALTER TABLE message ADD CONSTRAINT message_office_channel_external_id_key UNIQUE (office_id, channel, external_id);

CREATE FUNCTION message_office_of_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.office_id IS NULL THEN
    NEW.office_id := (SELECT office_id FROM consultation_case WHERE id = NEW.case_id);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER message_office BEFORE INSERT ON message
    FOR EACH ROW EXECUTE FUNCTION message_office_of_case();
