-- Periodic jobs (mail polling, retention, LINE quota, the after-commit sweep) run on one instance at a time:
-- the instance holding a job's lease runs it and renews the lease; when it dies, the lease runs out and
-- another instance takes the job over. Times are the database's (a duration, never an hour of the desk).
CREATE TABLE job_lease (
    job         text PRIMARY KEY,
    holder      text NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
