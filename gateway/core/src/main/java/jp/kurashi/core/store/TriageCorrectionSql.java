package jp.kurashi.core.store;

/** SQL for exporting staff corrections as labelled messages. */
final class TriageCorrectionSql {

  private TriageCorrectionSql() {
  }

  /**
   * Which corrections an export takes: the office's ($1), made since $2 (NULL: all), up to id $3, and
   * only a case's newest one up to $3 (a later correction supersedes an earlier judgement, and two lines
   * with the same text and different labels would teach a contradiction).
   */
  private static final String CHOSEN = """
      k.office_id = $1 AND c.id <= $3 AND ($2::timestamptz IS NULL OR c.at >= $2::timestamptz)
        AND NOT EXISTS (SELECT 1 FROM triage_correction n WHERE n.case_id = c.case_id AND n.id > c.id AND n.id <= $3)
      """;

  /**
   * The messages a correction judged: what the resident wrote in the case up to the correction (automatic
   * replies such as out-of-office mails and attachment-only messages left out).
   */
  private static final String JUDGED = """
      m.case_id = c.case_id AND m.direction = 'in' AND NOT m.automated AND m.created_at <= c.at AND btrim(m.body) <> ''
      """;

  /**
   * $1 office, $2 since. How many lines an export gives, the cases whose words they carry (one line a case), and the
   * newest correction it covers.
   */
  static final String SCOPE = """
      WITH bound AS (SELECT COALESCE(max(id), 0) AS up_to FROM triage_correction),
      chosen AS (
        SELECT c.case_id FROM bound, triage_correction c JOIN consultation_case k ON k.id = c.case_id
         WHERE %s AND EXISTS (SELECT 1 FROM message m WHERE %s)
      )
      SELECT (SELECT count(*) FROM chosen) AS lines,
             (SELECT COALESCE(array_agg(case_id ORDER BY case_id), '{}') FROM chosen) AS case_ids,
             bound.up_to
        FROM bound
      """.formatted(CHOSEN.replace("$3", "bound.up_to"), JUDGED);

  /** $1 office, $2 since, $3 up to id, $4 after id, $5 page size. One page, in id order. */
  static final String PAGE = """
      SELECT c.id, c.categories, c.urgency, judged.text
        FROM triage_correction c
        JOIN consultation_case k ON k.id = c.case_id
        CROSS JOIN LATERAL (SELECT string_agg(m.body, E'\\n' ORDER BY m.id) AS text FROM message m WHERE %s) judged
       WHERE %s AND c.id > $4 AND judged.text IS NOT NULL
       ORDER BY c.id
       LIMIT $5
      """.formatted(JUDGED, CHOSEN);
}
