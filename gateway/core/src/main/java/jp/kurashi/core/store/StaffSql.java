package jp.kurashi.core.store;

/** SQL for staff accounts and their sessions. */
final class StaffSql {

  private StaffSql() {
  }

  static final String COUNT = "SELECT count(*) AS n FROM staff";

  /** $1 office. */
  static final String COUNT_IN_OFFICE = "SELECT count(*) AS n FROM staff WHERE office_id = $1";

  /** $1 office, $2 login, $3 display name, $4 role, $5 password hash, $6 must change the password at first login. */
  static final String INSERT = """
      INSERT INTO staff (office_id, login, display_name, role, password_hash, must_change_password)
      VALUES ($1, $2, $3, $4, $5, $6)
      RETURNING id
      """;

  /** $1 login. */
  static final String BY_LOGIN = """
      SELECT id, office_id, login, display_name, role, password_hash, active, locked_until,
             CASE WHEN totp_enabled THEN totp_secret END AS totp_secret, totp_last_step, must_change_password
        FROM staff WHERE login = $1
      """;

  /**
   * Counts a login attempt BEFORE its password is checked, and returns the account only when the attempt
   * may go on: an active account, not locked, with fewer than 5 attempts in its 15-minute window.
   * Concurrent attempts queue on the row lock and each re-reads the count (READ COMMITTED re-checks the
   * WHERE clause on the updated row), so a parallel burst gets at most 5 rows back: at most 5 hashes.
   * A success resets the count ({@link #LOGIN_OK}). $1 login, $2 now.
   */
  static final String CLAIM_ATTEMPT = """
      UPDATE staff SET
        failed_window_start = CASE WHEN failed_window_start IS NULL OR failed_window_start < $2::timestamptz - interval '15 minutes'
                                   THEN $2::timestamptz ELSE failed_window_start END,
        failed_logins = CASE WHEN failed_window_start IS NULL OR failed_window_start < $2::timestamptz - interval '15 minutes'
                             THEN 1 ELSE failed_logins + 1 END
       WHERE login = $1 AND active
         AND (locked_until IS NULL OR locked_until <= $2::timestamptz)
         AND (failed_window_start IS NULL OR failed_window_start < $2::timestamptz - interval '15 minutes'
              OR failed_logins < 5)
      RETURNING id, office_id, login, display_name, role, password_hash, active, locked_until,
                CASE WHEN totp_enabled THEN totp_secret END AS totp_secret, totp_last_step, must_change_password
      """;

  /**
   * After a refused attempt: when the window's 5 attempts are used up, locks the account for 15 minutes
   * from now. $1 staff, $2 now.
   */
  static final String LOCK_IF_EXHAUSTED = """
      UPDATE staff SET locked_until = $2::timestamptz + interval '15 minutes'
       WHERE id = $1 AND failed_logins >= 5 AND failed_window_start >= $2::timestamptz - interval '15 minutes'
      """;

  /**
   * Records the TOTP time step a login used; refused (no row) when that step or a later one was already
   * used, so a code cannot be replayed. The row lock makes two logins racing with one code see one winner.
   * $1 staff, $2 time step.
   */
  static final String USE_TOTP_STEP = """
      UPDATE staff SET totp_last_step = $2
       WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)
      RETURNING id
      """;

  /** $1 staff, $2 secret. */
  static final String TOTP_PENDING = "UPDATE staff SET totp_pending = $2 WHERE id = $1 AND NOT totp_enabled RETURNING id";

  /** $1 staff. */
  static final String TOTP_PENDING_SECRET = "SELECT totp_pending FROM staff WHERE id = $1";

  /** $1 staff. The pending secret becomes the account's second factor. */
  static final String TOTP_ENABLE = """
      UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, totp_enabled = true
       WHERE id = $1 AND totp_pending IS NOT NULL AND NOT totp_enabled RETURNING id
      """;

  /** $1 token hash, $2 staff, $3 csrf token, $4 expires at, $5 remote address, $6 now (the first activity). */
  static final String INSERT_SESSION = """
      INSERT INTO staff_session (token_hash, staff_id, csrf_token, expires_at, remote_addr, last_seen_at)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;

  /**
   * $1 token hash. The session whether live or not (the caller decides, so a refusal can say that the session
   * ran out rather than that there never was one), with its account's active flag.
   */
  static final String SESSION = """
      SELECT s.csrf_token, s.expires_at, s.last_seen_at, t.id, t.office_id, t.login, t.display_name, t.role, t.active,
             t.must_change_password, t.totp_enabled
        FROM staff_session s JOIN staff t ON t.id = s.staff_id
       WHERE s.token_hash = $1
      """;

  /**
   * Records activity on a session: $1 token hash, $2 now. Never moves last_seen_at back (two instances may
   * touch the same session at once).
   */
  static final String TOUCH_SESSION = """
      UPDATE staff_session SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2
      """;

  /**
   * Which of these sessions are still live (not expired, used since the idle cutoff, account active).
   * $1 token hashes (text[]), $2 now, $3 idle cutoff. One statement for all the event streams of an instance.
   */
  static final String LIVE_SESSIONS = """
      SELECT s.token_hash
        FROM staff_session s JOIN staff t ON t.id = s.staff_id
       WHERE s.token_hash = ANY($1) AND s.expires_at > $2 AND s.last_seen_at > $3 AND t.active
      """;

  /** $1 token hash. */
  static final String DELETE_SESSION = "DELETE FROM staff_session WHERE token_hash = $1";

  /**
   * Counts a failed login in a 15-minute window; the 5th locks the account for 15 minutes.
   * $1 staff, $2 now. Returns the lock time when it was set.
   */
  static final String FAILED_LOGIN = """
      UPDATE staff SET
        failed_window_start = CASE WHEN failed_window_start IS NULL OR failed_window_start < $2::timestamptz - interval '15 minutes'
                                   THEN $2::timestamptz ELSE failed_window_start END,
        failed_logins = CASE WHEN failed_window_start IS NULL OR failed_window_start < $2::timestamptz - interval '15 minutes'
                             THEN 1 ELSE failed_logins + 1 END,
        locked_until = CASE WHEN failed_window_start IS NOT NULL AND failed_window_start >= $2::timestamptz - interval '15 minutes'
                                 AND failed_logins + 1 >= 5
                            THEN $2::timestamptz + interval '15 minutes' ELSE locked_until END
       WHERE id = $1
      RETURNING locked_until
      """;

  /** $1 staff. */
  static final String LOGIN_OK = "UPDATE staff SET failed_logins = 0, failed_window_start = NULL WHERE id = $1";

  /** $1 staff, $2 hash, $3 now. The person chose it, so the forced change (if any) is done. */
  static final String SET_PASSWORD = """
      UPDATE staff SET password_hash = $2, password_changed_at = $3, must_change_password = false WHERE id = $1
      """;

  /** $1 staff, $2 session kept. */
  static final String DELETE_OTHER_SESSIONS = "DELETE FROM staff_session WHERE staff_id = $1 AND token_hash <> $2";

  /** $1 id. */
  static final String BY_ID = """
      SELECT id, office_id, login, display_name, role, password_hash, active, locked_until,
             CASE WHEN totp_enabled THEN totp_secret END AS totp_secret, totp_last_step, must_change_password
        FROM staff WHERE id = $1
      """;

  /** $1 now. */
  static final String DELETE_EXPIRED_SESSIONS = "DELETE FROM staff_session WHERE expires_at <= $1";

  /**
   * Locks every admin row of the office, so two admins deactivating or demoting each other at the same
   * moment queue here and the second sees the first's result: the office never loses its last admin.
   * $1 office.
   */
  static final String LOCK_ADMINS = "SELECT id FROM staff WHERE office_id = $1 AND role = 'admin' FOR UPDATE";

  /**
   * $1 target, $2 office, $3 the admin acting, $4 active. Never the acting admin; an admin is deactivated
   * only while another active admin remains. No row: no such account in the office, or refused.
   */
  static final String SET_ACTIVE = """
      UPDATE staff t SET active = $4
       WHERE t.id = $1 AND t.office_id = $2 AND t.id <> $3
         AND ($4 OR t.role <> 'admin' OR EXISTS (
              SELECT 1 FROM staff o WHERE o.office_id = $2 AND o.role = 'admin' AND o.active AND o.id <> $1))
      RETURNING t.id
      """;

  /**
   * $1 target, $2 office, $3 the admin acting, $4 new role. Never the acting admin's own role; an admin
   * loses the role only while another active admin remains.
   */
  static final String SET_ROLE = """
      WITH changed AS (
        UPDATE staff t SET role = $4
         WHERE t.id = $1 AND t.office_id = $2 AND t.id <> $3
           AND ($4 = 'admin' OR t.role <> 'admin' OR NOT t.active OR EXISTS (
                SELECT 1 FROM staff o WHERE o.office_id = $2 AND o.role = 'admin' AND o.active AND o.id <> $1))
        RETURNING t.id
      ), unassigned AS (
        -- Only consultants and chiefs read consultations: an administrator's or operator's open cases go back to the
        -- queue, or they would stay assigned to someone who cannot open them and others could not claim them.
        UPDATE consultation_case c SET assignee_id = NULL
         WHERE $4 NOT IN ('consultant', 'chief') AND c.assignee_id IN (SELECT id FROM changed) AND c.status = 'open'
        RETURNING c.id
      )
      SELECT id FROM changed
      """;

  /** $1 target, $2 office. The lockout and its attempt count are cleared. */
  static final String UNLOCK = """
      UPDATE staff SET locked_until = NULL, failed_logins = 0, failed_window_start = NULL
       WHERE id = $1 AND office_id = $2 RETURNING id
      """;

  /**
   * $1 target, $2 office, $3 hash of the temporary password, $4 now. The person must choose their own
   * password at the next login; the lockout is cleared, since the admin has just checked who they are.
   */
  static final String RESET_PASSWORD = """
      UPDATE staff SET password_hash = $3, password_changed_at = $4, must_change_password = true,
                       locked_until = NULL, failed_logins = 0, failed_window_start = NULL
       WHERE id = $1 AND office_id = $2 RETURNING id
      """;

  /** $1 target, $2 office. The second factor is off until the person enrols a new app. */
  static final String RESET_TOTP = """
      UPDATE staff SET totp_enabled = false, totp_secret = NULL, totp_pending = NULL
       WHERE id = $1 AND office_id = $2 RETURNING id
      """;

  /** $1 staff. Every session of the account ends. */
  static final String DELETE_SESSIONS = "DELETE FROM staff_session WHERE staff_id = $1";

  /** $1 target, $2 office. Whether the account exists in the office, its role and whether it is active. */
  static final String IN_OFFICE = "SELECT role, active FROM staff WHERE id = $1 AND office_id = $2";

  /** $1 office: the staff list the chief and the admin see. */
  static final String LIST = """
      SELECT id, login, display_name, role, active, totp_enabled, must_change_password
        FROM staff WHERE office_id = $1 ORDER BY id
      """;
}
