package jp.kurashi.core.store;

/** SQL for the audit log. */
final class AuditSql {

  private AuditSql() {
  }

  /** $1 staff, $2 case, $3 action, $4 allowed, $5 remote address, $6 detail. */
  static final String INSERT = """
      INSERT INTO audit_log (staff_id, case_id, action, allowed, remote_addr, detail)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;

  /**
   * $1 case (optional, NULL for all: with it, also the rows that name the case among several in their detail, such as a
   * search's results, the complaints register or a corrections export), $2 office, $3 limit, $4 only rows with a lower
   * id (optional: the page after one ending there). The office's rows: its staff's, and those no staff member
   * wrote (a resident taking a message back, retention) about its cases or about no case; another office's
   * residents' rows are that office's business. Triage rules and models are one for the whole deployment, so their
   * replacement by any office's chief is every office's business too, as its triage changed: shown without who did it
   * or from where, which stay that office's.
   */
  static final String LIST = """
      SELECT a.id, a.at,
             CASE WHEN s.office_id = $2 OR s.id IS NULL THEN a.staff_id END AS staff_id,
             CASE WHEN s.office_id = $2 OR s.id IS NULL THEN s.login END AS login, a.case_id, a.action, a.allowed,
             CASE WHEN s.office_id = $2 OR s.id IS NULL THEN a.remote_addr END AS remote_addr
        FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
        LEFT JOIN consultation_case c ON c.id = a.case_id
       WHERE ($1::bigint IS NULL OR a.case_id = $1 OR (a.detail ?| array['caseIds', 'cases']
                  AND COALESCE(a.detail->'caseIds', a.detail->'cases') @> to_jsonb($1::bigint)))
         AND (s.office_id = $2 OR (s.id IS NULL AND (a.case_id IS NULL OR c.office_id = $2))
              OR (a.allowed AND a.action IN ('triage.rules.write', 'triage.model.write')))
         AND ($4::bigint IS NULL OR a.id < $4)
       ORDER BY a.id DESC LIMIT $3
      """;

  /**
   * $1 staff, $2 cases, $3 session (its audit name): those of the cases the staff member read (an allowed
   * {@code case.read} row) in that session since the account's latest login, and not merged into since; a read by another
   * session of the same account never counts. Ids, not times, order the rows: {@code
   * at} is the database's clock, and ids only grow.
   */
  static final String READ_IN_SESSION = """
      SELECT DISTINCT r.case_id FROM audit_log r
       WHERE r.case_id = ANY($2) AND r.staff_id = $1 AND r.action = 'case.read' AND r.allowed
         AND r.detail->>'session' = $3
         -- Also since the account's latest login, as before sessions were named: it gives the index a range (a
         -- session older than another login reads the case again, audited).
         AND r.id > COALESCE((SELECT max(l.id) FROM audit_log l
                               WHERE l.staff_id = $1 AND l.action = 'login' AND l.allowed), 0)
         AND r.id > COALESCE((SELECT max(m.id) FROM audit_log m
                               WHERE m.case_id = r.case_id AND m.action = 'case.merge' AND m.allowed), 0)
      """;
}
