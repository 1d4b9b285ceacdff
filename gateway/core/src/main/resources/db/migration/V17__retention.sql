-- Retention (issue 14, item 12): what the privacy notice promises (「保存期間が過ぎたら消去します」) and APPI asks.
-- (Raw mails' retention, here until issue 15, is the mail channel's V17.1.)

-- A case closed more than RETENTION_YEARS ago is erased by the retention job: its messages, attachments, raw
-- mails, triage rows and notes are deleted, its handoffs keep only kind and date, and the case row stays as an
-- anonymous record of what the monthly report counts (channel, urgency, categories, opened, closed, outcome)
-- and what audit rows point to. It then belongs to no contact: the contact row is deleted once no case or
-- message points to it any more. first_response_minutes is what the report's median read from the messages,
-- kept before they go, so a past month's figures are the same before and after erasure.
ALTER TABLE consultation_case ADD COLUMN erased_at timestamptz;
ALTER TABLE consultation_case ADD COLUMN first_response_minutes double precision;
ALTER TABLE consultation_case ALTER COLUMN contact_id DROP NOT NULL;
ALTER TABLE consultation_case ADD CONSTRAINT consultation_case_erased CHECK (
    (erased_at IS NULL AND contact_id IS NOT NULL) OR (erased_at IS NOT NULL AND contact_id IS NULL AND status = 'closed'));
-- The job's look-up: closed cases not yet erased, oldest closing first.
CREATE INDEX consultation_case_retention ON consultation_case (closed_at) WHERE status = 'closed' AND erased_at IS NULL;
-- Contacts left without cases are found through their cases' former contact ids and last_seen_at.
CREATE INDEX contact_last_seen ON contact (last_seen_at);
CREATE INDEX message_contact ON message (contact_id);

-- LINE's own id of an inbound message (webhook message.id; external_id is the webhookEventId that dedupes the
-- event), so an unsend event can find it. unsent_at: the resident took the message back; its text and
-- attachments are erased, the row stays so the thread shows where it was.
ALTER TABLE message ADD COLUMN channel_message_id text;
ALTER TABLE message ADD COLUMN unsent_at timestamptz;
CREATE INDEX message_channel_message ON message (channel, channel_message_id) WHERE channel_message_id IS NOT NULL;

-- The audit log is append-only. The trigger refuses UPDATE, DELETE and TRUNCATE (of a log with rows) whatever
-- role connects (the embedded server has one role, which owns the tables); in production the gateway connects as
-- a role without UPDATE/DELETE/TRUNCATE on audit_log (README, "Retention and database roles"), the trigger then
-- guarding against the owner's mistakes. The one way rows leave is audit_prune below.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('kurashi.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  -- Emptying an empty log loses nothing: restore truncates every table of a database it checked is unused.
  IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM audit_log) THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

-- Deletes at most max_rows audit rows older than cutoff (AUDIT_RETENTION_YEARS before the gateway's clock), and
-- never a row younger than two years by the database's own clock, whatever cutoff the caller passes. It runs
-- with its owner's rights (SECURITY DEFINER), so a gateway role without DELETE on audit_log can prune through it
-- and through nothing else. Returns the number of rows deleted.
CREATE FUNCTION audit_prune(cutoff timestamptz, max_rows integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  deleted integer;
BEGIN
  PERFORM set_config('kurashi.audit_prune', 'on', true);
  DELETE FROM audit_log WHERE id IN (
      SELECT id FROM audit_log WHERE at < cutoff AND at < now() - interval '2 years' ORDER BY id LIMIT max_rows);
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('kurashi.audit_prune', 'off', true);
  RETURN deleted;
END
$$;
CREATE INDEX audit_log_at ON audit_log (at);
