-- Channel events that are not messages (LINE follow, unfollow, postback) are deduplicated here
-- by the channel's own event id; messages are deduplicated by message (channel, external_id).
CREATE TABLE webhook_dedupe (
    channel      text NOT NULL,
    event_id     text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, event_id)
);

-- A channel's short-lived token for answering the contact's last event for free (LINE reply
-- token); automatic messages use it while it is valid, then fall back to a push.
ALTER TABLE contact ADD COLUMN reply_token text;
ALTER TABLE contact ADD COLUMN reply_token_expires_at timestamptz;
