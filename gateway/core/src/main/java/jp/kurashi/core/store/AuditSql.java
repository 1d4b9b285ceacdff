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

  /** $1 case. */
  static final String BY_CASE = """
      SELECT id, at, staff_id, case_id, action, allowed, remote_addr, detail
        FROM audit_log WHERE case_id = $1 ORDER BY id
      """;
}
