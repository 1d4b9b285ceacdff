package jp.kurashi.core.store;

/** SQL for the office's reply templates. */
final class TemplateSql {

  private TemplateSql() {
  }

  /** $1 office. */
  static final String LIST = "SELECT id, title, body FROM reply_template WHERE office_id = $1 ORDER BY id";

  /** $1 office, $2 title, $3 body. A template of the same title is replaced. */
  static final String SAVE = """
      INSERT INTO reply_template (office_id, title, body) VALUES ($1, $2, $3)
      ON CONFLICT (office_id, title) DO UPDATE SET body = EXCLUDED.body RETURNING id
      """;
}
