package jp.kurashi.core.store;

/** SQL for the office's partner agencies (referral and handoff targets). */
final class AgencySql {

  private AgencySql() {
  }

  /** $1 office. */
  static final String LIST = """
      SELECT id, name, kind, phone, address, note FROM agency WHERE office_id = $1 AND active ORDER BY id
      """;

  /** $1 office, $2 name, $3 kind, $4 phone, $5 address, $6 note. */
  static final String INSERT = """
      INSERT INTO agency (office_id, name, kind, phone, address, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
      """;

  /** $1 agency, $2 office. */
  static final String IN_OFFICE = "SELECT 1 FROM agency WHERE id = $1 AND office_id = $2 AND active";
}
