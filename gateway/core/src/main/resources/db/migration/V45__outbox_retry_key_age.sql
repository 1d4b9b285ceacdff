-- A channel drops a repeated reply by its retry key only for a while after the key's first use (LINE: 24 hours). The
-- outbox now records when a reply's key was first used and whether an attempt may have been taken by the channel
-- without its saying so (a timeout, a 5xx, a gateway killed mid-send). Such a reply is not sent again under a key the
-- channel has forgotten: it waits for a consultant to confirm the resident did not get it, then goes under a new key.
ALTER TABLE outbox
    ADD COLUMN first_attempt_at timestamptz,
    ADD COLUMN may_have_arrived boolean NOT NULL DEFAULT false,
    ADD COLUMN awaits_confirmation boolean NOT NULL DEFAULT false;

-- Rows tried before this version: their first attempt was at creation or later, and what it did is unknown.
UPDATE outbox SET first_attempt_at = created_at, may_have_arrived = true WHERE attempts > 0 AND status <> 'sent';
