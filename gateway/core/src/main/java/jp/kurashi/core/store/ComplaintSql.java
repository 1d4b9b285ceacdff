package jp.kurashi.core.store;

/** SQL for the complaints register. */
final class ComplaintSql {

  private ComplaintSql() {
  }

  private static final String COLUMNS = """
      p.id, p.office_id, p.case_id, p.received_at, p.channel, p.summary, p.responsible_id,
      s.display_name AS responsible_name, p.response, p.closed_on, p.recorded_by, p.recorded_at
      """;

  /**
   * $1 office, $2 case or NULL, $3 received at, $4 channel, $5 summary, $6 responsible (NULL: the office's
   * first active chief), $7 recorded by, $8 recorded at, $9 the console form's draft (or NULL). Nothing is inserted
   * when no active chief or consultant of the office answers for it, or the recorder's draft is recorded already
   * ({@link #OF_DRAFT}); the case, when named, must be the office's and not erased (its row locked until the commit,
   * so retention cannot erase it in between), and is marked as a complaint only when an entry is inserted. The lock is
   * the one the marking takes: a share lock there would let two entries naming one case deadlock on the upgrade.
   */
  static final String INSERT = """
      WITH responsible AS (
        SELECT id FROM staff
         WHERE office_id = $1 AND active AND role IN ('chief', 'consultant')
           AND (id = $6::bigint OR ($6::bigint IS NULL AND role = 'chief'))
         ORDER BY id LIMIT 1
      ), named AS (
        SELECT c.id FROM consultation_case c WHERE c.id = $2 AND c.office_id = $1 AND c.erased_at IS NULL
           FOR NO KEY UPDATE OF c
      ), inserted AS (
        INSERT INTO complaint (office_id, case_id, received_at, channel, summary, responsible_id, recorded_by, recorded_at,
                               draft_id)
        SELECT $1, (SELECT id FROM named), $3, $4, $5, r.id, $7, $8, $9 FROM responsible r
         WHERE $2::bigint IS NULL OR EXISTS (SELECT 1 FROM named)
        ON CONFLICT (recorded_by, draft_id) WHERE draft_id IS NOT NULL DO NOTHING
        RETURNING *
      ), flagged AS (
        UPDATE consultation_case SET complaint = true WHERE id = (SELECT case_id FROM inserted) RETURNING id
      )
      SELECT\s""" + COLUMNS + " FROM inserted p JOIN staff s ON s.id = p.responsible_id";

  /** $1 recorder, $2 draft, $3 office: the entry that recorder's draft recorded. */
  static final String OF_DRAFT = "SELECT " + COLUMNS + """
        FROM complaint p JOIN staff s ON s.id = p.responsible_id
       WHERE p.recorded_by = $1 AND p.draft_id = $2 AND p.office_id = $3
      """;

  /** $1 office, $2 staff member (NULL: every entry, for the chief), $3 limit. Newest first. */
  static final String LIST = "SELECT " + COLUMNS + """
        FROM complaint p JOIN staff s ON s.id = p.responsible_id
       WHERE p.office_id = $1 AND ($2::bigint IS NULL OR p.responsible_id = $2 OR p.recorded_by = $2)
       ORDER BY p.received_at DESC, p.id DESC
       LIMIT $3
      """;

  /** $1 complaint, $2 office. */
  static final String FIND = "SELECT " + COLUMNS + """
        FROM complaint p JOIN staff s ON s.id = p.responsible_id
       WHERE p.id = $1 AND p.office_id = $2
      """;

  /**
   * $1 complaint, $2 office, $3 response (NULL keeps it), $4 closed on (NULL keeps it), $5 reopen (clears closed_on),
   * $6 new responsible (NULL keeps; must be an active chief or consultant of the office).
   */
  static final String UPDATE = """
      WITH updated AS (
        UPDATE complaint p SET
               response = COALESCE($3, p.response),
               closed_on = CASE WHEN $5 THEN NULL ELSE COALESCE($4, p.closed_on) END,
               responsible_id = COALESCE((SELECT id FROM staff WHERE id = $6 AND office_id = $2 AND active
                                           AND role IN ('chief', 'consultant')), p.responsible_id)
         WHERE p.id = $1 AND p.office_id = $2
           AND ($6::bigint IS NULL OR EXISTS (SELECT 1 FROM staff WHERE id = $6 AND office_id = $2 AND active
                                                AND role IN ('chief', 'consultant')))
        RETURNING p.*
      )
      SELECT\s""" + COLUMNS + " FROM updated p JOIN staff s ON s.id = p.responsible_id";
}
