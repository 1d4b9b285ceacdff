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
}
