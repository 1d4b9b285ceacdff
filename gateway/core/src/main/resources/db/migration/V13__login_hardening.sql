-- Login hardening (issue 14, item 4).

-- The last TOTP time step (30-second counter) accepted for this account: a code of that step or an
-- earlier one is refused, so an observed code cannot be replayed within its window.
ALTER TABLE staff ADD COLUMN totp_last_step bigint;
-- failed_logins now counts attempts claimed before the password hash is computed (a success resets it).
COMMENT ON COLUMN staff.failed_logins IS 'login attempts in the window starting at failed_window_start, counted before hashing; reset by a success';
