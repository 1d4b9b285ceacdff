package jp.kurashi.core.store;

/** SQL for triage results, corrections and the rules in force. */
final class TriageSql {

  private TriageSql() {
  }

  private static final String RANK = "CASE %s WHEN 'crisis' THEN 2 WHEN 'urgent' THEN 1 ELSE 0 END";

  /**
   * Stores a message's result and folds it into its case: categories joined ('other' only while
   * nothing else is known), urgency raised never lowered, crisis time kept from the first crisis.
   * $1 message, $2 case, $3 categories, $4 urgency, $5 matched, $6 an automatic answer may be owed (see V40).
   * A result already stored (the sweep resuming the message) stays as it was, its pending answer included.
   */
  static final String RECORD = """
      WITH stored AS (
        INSERT INTO triage_result (message_id, case_id, categories, urgency, matched, notice_pending)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (message_id) DO NOTHING
        RETURNING case_id
      ), joined AS (
        SELECT ARRAY(SELECT DISTINCT c FROM unnest(k.categories || $3::text[]) AS c) AS all_categories
          FROM consultation_case k WHERE k.id = $2
      )
      UPDATE consultation_case k
         SET categories = ARRAY(SELECT c FROM unnest(j.all_categories) AS c
                                 WHERE c <> 'other' OR cardinality(j.all_categories) = 1 ORDER BY c),
             urgency = CASE WHEN %s > %s THEN $4 ELSE k.urgency END,
             crisis_at = CASE WHEN $4 = 'crisis' THEN COALESCE(k.crisis_at, now()) ELSE k.crisis_at END
        FROM joined j, stored
       WHERE k.id = $2
      RETURNING k.urgency
      """.formatted(RANK.formatted("$4::text"), RANK.formatted("k.urgency"));

  /** $1 message: its automatic answer was decided (queued, or found not owed), so the sweep need not come back. */
  static final String NOTICE_DECIDED = "UPDATE triage_result SET notice_pending = false WHERE message_id = $1 AND notice_pending";

  /** $1 case, $2 staff, $3 categories, $4 urgency. */
  static final String CORRECT = """
      WITH previous AS (
        SELECT categories, urgency FROM consultation_case WHERE id = $1 FOR UPDATE
      ), logged AS (
        -- at: the gateway's clock (5th parameter), like the messages' times: the corrections export compares them.
        INSERT INTO triage_correction (case_id, staff_id, previous_categories, previous_urgency, categories, urgency, at)
        SELECT $1, $2, previous.categories, previous.urgency, $3, $4, $5 FROM previous
        RETURNING id
      )
      UPDATE consultation_case SET categories = $3, urgency = $4, triage_corrected = true,
             crisis_at = CASE WHEN $4 = 'crisis' THEN COALESCE(crisis_at, now()) ELSE crisis_at END
        FROM logged WHERE consultation_case.id = $1
      RETURNING consultation_case.id
      """;

  /** $1 case. */
  static final String RESULTS = """
      SELECT message_id, categories, urgency, matched FROM triage_result WHERE case_id = $1 ORDER BY message_id
      """;

  static final String LATEST_RULES = "SELECT id, content FROM triage_rules ORDER BY id DESC LIMIT 1";

  /** $1 content, $2 staff. */
  static final String SAVE_RULES = "INSERT INTO triage_rules (content, staff_id) VALUES ($1, $2) RETURNING id";
}
