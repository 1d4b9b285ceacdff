-- When the resident could first see a message: when it was stored (their own, or a reply as queued), then, for a reply,
-- when it was sent. A web chat reconnecting after message X replays what has a larger id *or* was shown since shortly
-- before X was: a reply queued before X (so with a smaller id) but sent after it was otherwise skipped for good.
-- Rows from before this migration have none and replay by id alone, as before.
ALTER TABLE message ADD COLUMN shown_at timestamptz;
ALTER TABLE message ALTER COLUMN shown_at SET DEFAULT now();
