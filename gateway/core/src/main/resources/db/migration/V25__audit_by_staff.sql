-- The console follows an open case's new messages without recording a new read, only when the same staff member's
-- read of the case is on record since their latest login (AuditLog.readSinceLogin): that latest login is found by
-- this index instead of a scan of the whole log.
CREATE INDEX audit_log_staff_action ON audit_log (staff_id, action, id);
