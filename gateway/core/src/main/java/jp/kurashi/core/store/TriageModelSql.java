package jp.kurashi.core.store;

/** SQL for the triage models the chief installed. */
final class TriageModelSql {

  private TriageModelSql() {
  }

  /**
   * $1 content, $2 sha256, $3 corpus sha256, $4 evaluated corpus sha256, $5 features, $6 staff, $7 now,
   * $8 messages, $9–$12 micro-F1, urgency accuracy, crisis recall, false crisis rate,
   * $13 replaced model's sha256, $14–$17 its four figures.
   */
  static final String SAVE = """
      INSERT INTO triage_model (content, sha256, corpus_sha256, evaluated_corpus_sha256, features, staff_id, created_at,
                                messages, micro_f1, urgency_accuracy, crisis_recall, false_crisis_rate,
                                replaced_sha256, replaced_micro_f1, replaced_urgency_accuracy, replaced_crisis_recall,
                                replaced_false_crisis_rate)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
      RETURNING id
      """;

  /** Cheap enough to ask every few seconds: the bytes are read only when the id is new. */
  static final String LATEST_ID = "SELECT max(id) FROM triage_model";

  /** $1 id. */
  static final String CONTENT = "SELECT id, sha256, evaluated_corpus_sha256, content FROM triage_model WHERE id = $1";

  /** $1 id. Everything but the bytes, with the login of who installed it. */
  static final String INFO = """
      SELECT m.id, m.sha256, m.corpus_sha256, m.evaluated_corpus_sha256, m.features, m.staff_id, s.login, m.created_at,
             m.messages, m.micro_f1, m.urgency_accuracy, m.crisis_recall, m.false_crisis_rate,
             m.replaced_sha256, m.replaced_micro_f1, m.replaced_urgency_accuracy, m.replaced_crisis_recall,
             m.replaced_false_crisis_rate
        FROM triage_model m JOIN staff s ON s.id = m.staff_id
       WHERE m.id = $1
      """;
}
