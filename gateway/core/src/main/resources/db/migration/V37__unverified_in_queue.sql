-- The queue marks a case holding a message whose sender could not be confirmed (V33), so staff see it before they
-- open the case. Few messages are unverified: a partial index keeps the queue's look-up to those.
CREATE INDEX message_sender_unverified ON message (case_id) WHERE sender_unverified;
