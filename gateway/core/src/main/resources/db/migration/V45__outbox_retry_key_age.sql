-- A channel drops a repeated reply by its retry key only for a while after the key's first use (LINE: 24 hours). The
-- outbox now records when a reply's key stops protecting it (set at its first attempt from the channel's declared key
-- life) and whether an attempt may have been taken by the channel without its saying so (a timeout, a 5xx, a gateway
-- killed mid-send). Such a reply is not sent again under a key the channel has forgotten: it waits for a consultant to
-- confirm the resident did not get it, then goes under a new key.
-- Every instance must run this version: an older one still sending would leave these columns unset for its attempts.
ALTER TABLE outbox
    ADD COLUMN key_expires_at timestamptz,
    ADD COLUMN may_have_arrived boolean NOT NULL DEFAULT false,
    ADD COLUMN awaits_confirmation boolean NOT NULL DEFAULT false;

-- Rows tried before this version: what their attempts did is unknown, and their first one was at creation or later.
-- LINE's key life is the one LineConnector declares (24 hours less an hour); from now on the outbox asks the connector.
UPDATE outbox SET may_have_arrived = true,
                  key_expires_at = CASE WHEN channel = 'line' THEN created_at + interval '23 hours' END
 WHERE attempts > 0 AND status <> 'sent';

-- Replies a restore failed before this version (the restore runs at the backup's own schema version): some went out
-- after the backup, so a resend asks first, as a restore does from now on.
UPDATE outbox SET may_have_arrived = true, awaits_confirmation = true
 WHERE status = 'failed' AND last_error LIKE 'バックアップから復元したため送っていません%';
