package jp.kurashi.core.store;

/** SQL for cases staff record (phone, window, outreach, referral) and for route, contacts made and follow-up. */
final class StaffCaseSql {

  private StaffCaseSql() {
  }

  /**
   * Opens a staff-recorded case in ONE statement: a contact of the route standing for the person, the case (assigned
   * to whoever recorded it) and the consultation as its first inbound message. $1 office, $2 route, $3 contact ref
   * (fresh and random: never shared with another case), $4 name (NULL: anonymous), $5 text, $6 when it took place,
   * $7 recording staff, $8 consulter, $9 referral source, $10 referral agency, $11 the message's own id.
   */
  static final String OPEN = """
      WITH contact_row AS (
        INSERT INTO contact (office_id, channel, external_id, display_name, created_at, last_seen_at)
        VALUES ($1, $2, $3, $4, $6, $6)
        RETURNING id
      ), case_row AS (
        INSERT INTO consultation_case (office_id, contact_id, channel, opened_at, last_message_at, last_inbound_at,
                                       assignee_id, consulter, referral_source, referral_agency_id)
        SELECT $1, contact_row.id, $2, $6, $6, $6, $7, $8, $9, $10 FROM contact_row
        RETURNING id, contact_id
      )
      INSERT INTO message (case_id, contact_id, channel, direction, external_id, body, delivery, created_at)
      SELECT case_row.id, case_row.contact_id, $2, 'in', $11, $5, 'received', $6 FROM case_row
      RETURNING id AS message_id, case_id, contact_id
      """;

  /** $1 staff. Held to the end of the transaction: one recorder's drafts are recorded one after the other. */
  static final String LOCK_RECORDER = "SELECT id FROM staff WHERE id = $1 FOR UPDATE";

  /**
   * $1 the consultation's reference, $2 the staff routes, $3 office. The first message of the case recorded under it,
   * if any, with what was recorded.
   */
  static final String RECORDED = """
      SELECT m.id, m.case_id, m.contact_id, m.channel, m.body, m.created_at, c.consulter, c.referral_agency_id,
             k.display_name
        FROM message m JOIN consultation_case c ON c.id = m.case_id JOIN contact k ON k.id = m.contact_id
       WHERE m.office_id = $3 AND m.channel = ANY($2) AND m.external_id = $1
      """;

  /** $1 agency, $2 office: the agency is the office's and still in use. */
  static final String AGENCY_ACTIVE = "SELECT 1 FROM agency WHERE id = $1 AND office_id = $2 AND active";

  /** $1 case, $2 consulter, $3 referral source, $4 referral agency (each NULL to clear). */
  static final String SET_ROUTE = """
      UPDATE consultation_case SET consulter = $2, referral_source = $3, referral_agency_id = $4
       WHERE id = $1 AND erased_at IS NULL RETURNING id
      """;

  /** $1 case, $2 follow-up day (NULL: none). */
  static final String SET_FOLLOW_UP = """
      UPDATE consultation_case SET follow_up_on = $2 WHERE id = $1 AND erased_at IS NULL RETURNING id
      """;

  /**
   * $1 case, $2 kind, $3 when, $4 note, $5 staff, $6 recorded at, $7 the console form's draft (or null). The office is
   * the case's. No row: no such case, a case merged into another, or the draft is recorded already
   * ({@link #CONTACT_OF_DRAFT} and {@link #MERGED_INTO} tell which). The case row is share-locked until the commit, so
   * retention, which locks it to erase, cannot erase the case in between and leave this note behind.
   */
  static final String ADD_CONTACT = """
      WITH added AS (
        INSERT INTO case_contact_log (office_id, case_id, kind, at, note, staff_id, recorded_at, draft_id)
        SELECT c.office_id, c.id, $2, $3, $4, $5, $6, $7 FROM consultation_case c
         WHERE c.id = $1 AND c.erased_at IS NULL AND c.merged_into IS NULL
           FOR SHARE OF c
        ON CONFLICT (case_id, draft_id) WHERE draft_id IS NOT NULL DO NOTHING
        RETURNING id, case_id, kind, at, note, staff_id, recorded_at
      )
      SELECT added.*, s.display_name AS staff_name FROM added JOIN staff s ON s.id = added.staff_id
      """;

  /** $1 case: the case it was merged into, if any; no row when there is no such case or it was erased. */
  static final String MERGED_INTO = "SELECT merged_into FROM consultation_case WHERE id = $1 AND erased_at IS NULL";

  /** $1 case, $2 draft: the contact that draft recorded, on a case not erased. */
  static final String CONTACT_OF_DRAFT = """
      SELECT l.id, l.case_id, l.kind, l.at, l.note, l.staff_id, l.recorded_at, s.display_name AS staff_name
        FROM case_contact_log l JOIN staff s ON s.id = l.staff_id
        JOIN consultation_case c ON c.id = l.case_id AND c.erased_at IS NULL
       WHERE l.case_id = $1 AND l.draft_id = $2
      """;

  /** $1 case: its contacts made, in the order they happened. */
  static final String CONTACTS = """
      SELECT l.id, l.case_id, l.kind, l.at, l.note, l.staff_id, l.recorded_at, s.display_name AS staff_name
        FROM case_contact_log l JOIN staff s ON s.id = l.staff_id
       WHERE l.case_id = $1 ORDER BY l.at, l.id
      """;
}
