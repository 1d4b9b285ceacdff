package jp.kurashi.core.store;

/** SQL for what consultants do to cases: claim, assign, notes, close, complaints, handoffs, retries. */
final class ConsoleSql {

  private ConsoleSql() {
  }

  /**
   * $1 case, $2 staff, $3 the staff member's office. Only an open, unassigned case of the same office
   * can be claimed. No row: no such case in this office; otherwise its status and whether this call
   * claimed it. The update re-checks status and assignee on the row it locks, so a case closed or
   * claimed meanwhile is not claimed (it reads as taken).
   */
  static final String CLAIM = """
      WITH target AS (
        SELECT id, status FROM consultation_case WHERE id = $1 AND office_id = $3
      ), claimed AS (
        UPDATE consultation_case SET assignee_id = $2
         WHERE id = $1 AND office_id = $3 AND status = 'open' AND assignee_id IS NULL
        RETURNING id
      )
      SELECT t.status, EXISTS (SELECT 1 FROM claimed) AS claimed FROM target t
      """;

  /**
   * $1 case, $2 staff, $3 office. The new assignee must be an active consultant or chief of the same
   * office: an admin manages accounts and never reads case content, so a case given to one would sit
   * unanswered. Returns whether it was assigned, whether the case exists in the office, and whether the
   * staff member does (so a refusal can say which).
   */
  static final String ASSIGN = """
      WITH target AS (
        SELECT id, role, active FROM staff WHERE id = $2 AND office_id = $3
      ), assigned AS (
        UPDATE consultation_case c SET assignee_id = t.id FROM target t
         WHERE c.id = $1 AND c.office_id = $3 AND t.active AND t.role IN ('consultant', 'chief')
        RETURNING c.id
      )
      SELECT EXISTS (SELECT 1 FROM assigned) AS assigned,
             EXISTS (SELECT 1 FROM consultation_case WHERE id = $1 AND office_id = $3) AS case_found,
             EXISTS (SELECT 1 FROM target) AS staff_found
      """;

  /** $1 case, $2 staff, $3 text. */
  static final String NOTE = """
      INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery)
      SELECT c.id, c.contact_id, c.channel, 'note', $3, $2, 'none' FROM consultation_case c WHERE c.id = $1
      RETURNING id
      """;

  /** $1 case, $2 outcome, $3 now. */
  static final String CLOSE = """
      UPDATE consultation_case SET status = 'closed', outcome = $2, closed_at = $3
       WHERE id = $1 AND status = 'open' RETURNING id
      """;

  /** $1 case. A closed case reopens unless its contact already has another open case. */
  static final String REOPEN = """
      UPDATE consultation_case c SET status = 'open', outcome = NULL, closed_at = NULL
       WHERE c.id = $1 AND c.status = 'closed' AND c.merged_into IS NULL
         AND NOT EXISTS (SELECT 1 FROM consultation_case o WHERE o.contact_id = c.contact_id AND o.status = 'open')
      RETURNING c.id
      """;

  /** $1 duplicate, $2 case kept, $3 office, $4 now. The duplicate closes and points at the kept case. */
  static final String MERGE = """
      UPDATE consultation_case d SET merged_into = $2, status = 'closed', closed_at = COALESCE(d.closed_at, $4),
             outcome = COALESCE(d.outcome, 'other')
       WHERE d.id = $1 AND d.id <> $2 AND d.office_id = $3 AND d.merged_into IS NULL
         AND EXISTS (SELECT 1 FROM consultation_case k WHERE k.id = $2 AND k.office_id = $3 AND k.merged_into IS NULL)
      RETURNING d.id
      """;

  /** $1 duplicate, $2 case kept: the thread moves to the kept case. */
  static final String MOVE_MESSAGES = "UPDATE message SET case_id = $2 WHERE case_id = $1";

  /** $1 case, $2 complaint flag. */
  static final String COMPLAINT = "UPDATE consultation_case SET complaint = $2 WHERE id = $1 RETURNING id";

  /** $1 message, $2 case. A failed reply goes back to the outbox with a fresh set of attempts. */
  static final String RETRY = """
      WITH again AS (
        UPDATE outbox o SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
                            updated_at = now()
          FROM message m
         WHERE o.message_id = m.id AND m.id = $1 AND m.case_id = $2 AND o.status = 'failed'
        RETURNING o.message_id
      )
      UPDATE message SET delivery = 'queued', delivery_error = NULL FROM again WHERE message.id = again.message_id
      RETURNING message.id
      """;

  /**
   * $1 case, $2 kind, $3 at, $4 agency, $5 note, $6 confirmation message, $7 staff, $8 whether the resident agreed to
   * share with the agency.
   */
  static final String HANDOFF = """
      INSERT INTO handoff (case_id, kind, at, agency_id, note, message_id, staff_id, sharing_consent)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
      """;

  /** $1 handoff. Everything the in-person consultant's summary shows. */
  static final String HANDOFF_SUMMARY = """
      SELECT h.id, h.kind, h.at, h.note, h.created_at, h.case_id, a.name AS agency, a.phone AS agency_phone,
             h.sharing_consent,
             c.categories, c.urgency, c.opened_at, c.channel, k.display_name AS contact_name,
             s.display_name AS staff_name, c.office_id, c.assignee_id,
             ca.needs, ca.contact_means, ca.contact_hours, ca.note AS accommodation_note,
             c.consulter, c.referral_source, (SELECT ra.name FROM agency ra WHERE ra.id = c.referral_agency_id) AS referral_agency
        FROM handoff h
        JOIN consultation_case c ON c.id = h.case_id
        JOIN contact k ON k.id = c.contact_id
        JOIN staff s ON s.id = h.staff_id
        LEFT JOIN agency a ON a.id = h.agency_id
        LEFT JOIN case_accommodation ca ON ca.case_id = c.id
       WHERE h.id = $1
      """;

  /** $1 case. */
  static final String HANDOFFS = """
      SELECT h.id, h.kind, h.at, h.note, h.created_at, a.name AS agency, h.sharing_consent
        FROM handoff h LEFT JOIN agency a ON a.id = h.agency_id WHERE h.case_id = $1 ORDER BY h.id
      """;

  /** $1 office. */
  static final String AGENCIES = """
      SELECT id, name, kind, phone, address, note FROM agency WHERE office_id = $1 AND active ORDER BY id
      """;

  /** $1 office, $2 name, $3 kind, $4 phone, $5 address, $6 note. */
  static final String ADD_AGENCY = """
      INSERT INTO agency (office_id, name, kind, phone, address, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
      """;

  /** $1 agency, $2 office. */
  static final String AGENCY_IN_OFFICE = "SELECT 1 FROM agency WHERE id = $1 AND office_id = $2 AND active";

  /** $1 office. */
  static final String TEMPLATES = "SELECT id, title, body FROM reply_template WHERE office_id = $1 ORDER BY id";

  /** $1 office, $2 title, $3 body. */
  static final String ADD_TEMPLATE = """
      INSERT INTO reply_template (office_id, title, body) VALUES ($1, $2, $3)
      ON CONFLICT (office_id, title) DO UPDATE SET body = EXCLUDED.body RETURNING id
      """;

  /** $1 office. */
  static final String STAFF = """
      SELECT id, login, display_name, role, active, totp_enabled, must_change_password
        FROM staff WHERE office_id = $1 ORDER BY id
      """;

  /** $1 case (optional, NULL for all), $2 office, $3 limit. */
  static final String AUDIT = """
      SELECT a.id, a.at, a.staff_id, s.login, a.case_id, a.action, a.allowed, a.remote_addr
        FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
       WHERE ($1::bigint IS NULL OR a.case_id = $1) AND (s.office_id = $2 OR s.id IS NULL)
       ORDER BY a.id DESC LIMIT $3
      """;
}
