-- A message's automatic answer (the safety message, the out-of-hours notice) is queued in a statement after its triage
-- result's commit. If that statement failed, or the gateway died between the two, the message counted as finished
-- (it has a triage result) and the after-commit sweep never came back to it: a crisis at night got no safety message.
-- notice_pending is set with the result when an answer may be owed, and cleared once it was decided; the sweep
-- resumes the messages where it is still set.
-- (No index of its own: the sweep reads it through the message_id key it already looks results up by.)
ALTER TABLE triage_result ADD COLUMN notice_pending boolean NOT NULL DEFAULT false;
