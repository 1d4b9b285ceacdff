package jp.kurashi.core.store;

/** SQL for handoffs to in-person support and the printable summary the in-person consultant gets. */
final class HandoffSql {

  private HandoffSql() {
  }

  /**
   * $1 case, $2 kind, $3 at, $4 agency, $5 note, $6 confirmation message (or NULL), $7 staff, $8 whether the resident
   * agreed to share with the agency. Returns the handoff's id with the case's state.
   */
  static final String INSERT = """
      WITH h AS (
        INSERT INTO handoff (case_id, kind, at, agency_id, note, message_id, staff_id, sharing_consent, draft_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, case_id
      )
      SELECT h.id AS handoff_id, c.id, c.office_id, c.contact_id, c.channel, c.status, c.assignee_id, c.urgency
        FROM h JOIN consultation_case c ON c.id = h.case_id
      """;

  /** $1 case. Held to the end of the transaction: handoffs of one case are recorded one after the other. */
  static final String LOCK_CASE =
      "SELECT id FROM consultation_case WHERE id = $1 AND erased_at IS NULL AND merged_into IS NULL FOR UPDATE";

  /** $1 case, $2 the console's draft. The handoff recorded from it, if any, as it was sent. */
  static final String OF_DRAFT = """
      SELECT h.id, h.kind, h.at, h.agency_id, h.note, h.staff_id, h.sharing_consent, m.body AS confirmation
        FROM handoff h LEFT JOIN message m ON m.id = h.message_id
       WHERE h.case_id = $1 AND h.draft_id = $2
      """;

  /** $1 handoff. Everything the in-person consultant's summary shows. */
  static final String SUMMARY = """
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
  static final String OF_CASE = """
      SELECT h.id, h.kind, h.at, h.note, h.created_at, a.name AS agency, h.sharing_consent
        FROM handoff h LEFT JOIN agency a ON a.id = h.agency_id WHERE h.case_id = $1 ORDER BY h.id
      """;
}
