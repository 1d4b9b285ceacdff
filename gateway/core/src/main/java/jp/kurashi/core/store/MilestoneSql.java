package jp.kurashi.core.store;

/** SQL for support milestones. */
final class MilestoneSql {

  private MilestoneSql() {
  }

  /**
   * $1 case, $2 kind, $3 day, $4 note, $5 staff, $6 at, $7 the console form's draft (or null). The office is the
   * case's. No row: no such case, one merged into another, or the draft is recorded already ({@link #OF_DRAFT}). The case row is share-locked
   * until the commit, so retention cannot erase the case in between and leave this note behind.
   */
  static final String INSERT = """
      WITH inserted AS (
        INSERT INTO case_milestone (office_id, case_id, kind, done_on, note, recorded_by, recorded_at, draft_id)
        SELECT c.office_id, c.id, $2, $3, $4, $5, $6, $7 FROM consultation_case c
         WHERE c.id = $1 AND c.erased_at IS NULL AND c.merged_into IS NULL
           FOR SHARE OF c
        ON CONFLICT (case_id, draft_id) WHERE draft_id IS NOT NULL DO NOTHING
        RETURNING *
      )
      SELECT i.id, i.case_id, i.kind, i.done_on, i.note, i.recorded_by, s.display_name AS recorded_by_name, i.recorded_at
        FROM inserted i JOIN staff s ON s.id = i.recorded_by
      """;

  /** $1 case, $2 draft: the milestone that draft recorded, on a case not erased. */
  static final String OF_DRAFT = """
      SELECT m.id, m.case_id, m.kind, m.done_on, m.note, m.recorded_by, s.display_name AS recorded_by_name, m.recorded_at
        FROM case_milestone m JOIN staff s ON s.id = m.recorded_by
        JOIN consultation_case c ON c.id = m.case_id AND c.erased_at IS NULL
       WHERE m.case_id = $1 AND m.draft_id = $2
      """;

  /** $1 case. In the order they were done. */
  static final String OF_CASE = """
      SELECT m.id, m.case_id, m.kind, m.done_on, m.note, m.recorded_by, s.display_name AS recorded_by_name, m.recorded_at
        FROM case_milestone m JOIN staff s ON s.id = m.recorded_by
       WHERE m.case_id = $1 ORDER BY m.done_on, m.id
      """;

  /** $1 case, $2 milestone. */
  static final String DELETE = "DELETE FROM case_milestone WHERE case_id = $1 AND id = $2 RETURNING id";
}
