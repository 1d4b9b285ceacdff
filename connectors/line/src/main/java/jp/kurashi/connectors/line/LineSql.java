package jp.kurashi.connectors.line;

/** SQL of {@link LineStore}: reply tokens on LINE contacts and webhook redelivery (migration V3, this module's). */
final class LineSql {

  private LineSql() {
  }

  /** $1 channel, $2 contact ref, $3 token, $4 expires at, $5 office. */
  static final String SAVE_REPLY_TOKEN = """
      UPDATE contact SET reply_token = $3, reply_token_expires_at = $4
       WHERE channel = $1 AND external_id = $2 AND office_id = $5
      """;

  /** $1 channel, $2 contact ref, $3 now, $4 office. Takes the token once: a reply token may be used only once. */
  static final String TAKE_REPLY_TOKEN = """
      UPDATE contact k SET reply_token = NULL, reply_token_expires_at = NULL
        FROM (SELECT id, reply_token FROM contact
               WHERE channel = $1 AND external_id = $2 AND office_id = $4 AND reply_token IS NOT NULL
                 AND reply_token_expires_at > $3
               FOR UPDATE) live
       WHERE k.id = live.id
      RETURNING live.reply_token
      """;

  /** $1 channel, $2 event id. */
  static final String DELIVERED = "SELECT 1 FROM webhook_dedupe WHERE channel = $1 AND event_id = $2";

  /** $1 channel, $2 event id. */
  static final String FIRST_DELIVERY = """
      INSERT INTO webhook_dedupe (channel, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id
      """;
}
