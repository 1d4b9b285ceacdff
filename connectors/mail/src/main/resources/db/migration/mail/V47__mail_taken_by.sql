-- Which poller took a pending mail to ingest it, until its outcome is recorded. A mail that kills the gateway while
-- it is read (out of memory, a crash in a library) would otherwise be taken again after every restart, and the desk
-- would never come up: finding another poller's mark on it means that poller stopped mid-way, which counts as a
-- failed attempt, so after the attempts allowed it is quarantined like any other poison mail.
ALTER TABLE mail_inbox ADD COLUMN taken_by uuid;
