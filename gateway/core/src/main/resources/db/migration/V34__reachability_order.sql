-- The channel's own time of the follow or unfollow last applied to a contact. A redelivered event older than it
-- changes nothing, so an unfollow LINE redelivers after the resident followed again does not cut them off.
ALTER TABLE contact ADD COLUMN reachability_at timestamptz;
