package jp.kurashi.core.store;

/** SQL for a case's reasonable accommodation. */
final class AccommodationSql {

  private AccommodationSql() {
  }

  /** $1 case. */
  static final String GET = """
      SELECT needs, contact_means, contact_hours, note, updated_by, updated_at
        FROM case_accommodation WHERE case_id = $1
      """;

  /**
   * $1 case, $2 needs, $3 means, $4 hours, $5 note, $6 staff, $7 at. No row when the case is erased or merged into
   * another (whose header nobody reading the kept case would see it in). The case row is share-locked until the commit,
   * so retention cannot erase the case in between and leave this row behind.
   */
  static final String PUT = """
      INSERT INTO case_accommodation (case_id, needs, contact_means, contact_hours, note, updated_by, updated_at)
      SELECT c.id, $2, $3, $4, $5, $6, $7 FROM consultation_case c
       WHERE c.id = $1 AND c.erased_at IS NULL AND c.merged_into IS NULL
         FOR SHARE OF c
      ON CONFLICT (case_id) DO UPDATE SET needs = EXCLUDED.needs, contact_means = EXCLUDED.contact_means,
             contact_hours = EXCLUDED.contact_hours, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by,
             updated_at = EXCLUDED.updated_at
      RETURNING needs, contact_means, contact_hours, note, updated_by, updated_at
      """;

  /**
   * $1 duplicate, $2 case kept, on a merge: the duplicate's accommodation goes with its thread to the kept case when
   * that has none, or an older one: the newer word on the same person stands, a record staff emptied on purpose too.
   */
  static final String CARRY_ON_MERGE = """
      INSERT INTO case_accommodation AS kept (case_id, needs, contact_means, contact_hours, note, updated_by, updated_at)
      SELECT $2, needs, contact_means, contact_hours, note, updated_by, updated_at FROM case_accommodation
       WHERE case_id = $1
      ON CONFLICT (case_id) DO UPDATE SET needs = EXCLUDED.needs, contact_means = EXCLUDED.contact_means,
             contact_hours = EXCLUDED.contact_hours, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by,
             updated_at = EXCLUDED.updated_at
       WHERE kept.updated_at < EXCLUDED.updated_at
      """;
}
