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

  /** $1 office, $2 user id, $3 LINE's message id: an unsend that found nothing stored; old rows go with it. */
  static final String UNSENT_EARLY = """
      WITH pruned AS (DELETE FROM line_unsent_early WHERE at < now() - interval '30 days')
      INSERT INTO line_unsent_early (office_id, user_id, line_message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING
      """;

  /** $1 office, $2 user ids, $3 LINE's message ids (pairwise): those of them the resident took back before storing. */
  static final String WAS_UNSENT_EARLY = """
      SELECT u.user_id, u.line_message_id
        FROM line_unsent_early u
        JOIN unnest($2::text[], $3::text[]) AS q(user_id, line_message_id)
          ON q.user_id = u.user_id AND q.line_message_id = u.line_message_id
       WHERE u.office_id = $1
      """;

  // Media (LineMediaFetcher, LineMediaRetry). Retry times are the database's, as for mail: they schedule work,
  // they decide nothing a resident or the desk sees.

  /**
   * $1 message ids, $2 LINE's message ids, $3 kinds, $4 file names (or NULL), $5 milliseconds before a retry may take them.
   * A redelivery's media are already there and stay as they are; a file an older gateway already stored, or one of a
   * message already taken back, is not asked for.
   */
  static final String MEDIA_AWAITED = """
      INSERT INTO line_media (message_id, line_message_id, kind, file_name, next_attempt_at)
      SELECT u.message_id, u.line_message_id, u.kind, u.file_name, now() + $5 * interval '1 millisecond'
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(message_id, line_message_id, kind, file_name)
        JOIN message m ON m.id = u.message_id AND m.unsent_at IS NULL
       WHERE NOT EXISTS (SELECT 1 FROM attachment a WHERE a.message_id = u.message_id)
      ON CONFLICT (message_id) DO NOTHING
      """;

  /**
   * $1 office, $2 limit, $3 milliseconds the taker has before another may take them. Media of the office's messages
   * due for another attempt, taken: their next attempt moves past the lease, so a taker that dies leaves them due again.
   * Rows of messages taken back meanwhile are deleted (their file names are the resident's), with any file a fetch
   * stored while the unsend waited, in case {@link #MEDIA_FORGOTTEN} did not run after it (a crash, a failure).
   */
  static final String MEDIA_DUE = """
      WITH unsent AS (
        SELECT l.message_id FROM line_media l JOIN message m ON m.id = l.message_id
         WHERE m.office_id = $1 AND m.unsent_at IS NOT NULL
      ), files_gone AS (
        DELETE FROM attachment a USING unsent u WHERE a.message_id = u.message_id
      ), rows_gone AS (
        DELETE FROM line_media l USING unsent u WHERE l.message_id = u.message_id
      )
      UPDATE line_media j SET next_attempt_at = now() + $3 * interval '1 millisecond'
       WHERE j.message_id IN (
         SELECT l.message_id FROM line_media l JOIN message m ON m.id = l.message_id
          WHERE l.status = 'pending' AND l.next_attempt_at <= now() AND m.office_id = $1 AND m.unsent_at IS NULL
          ORDER BY l.next_attempt_at LIMIT $2
            FOR UPDATE OF l SKIP LOCKED)
      RETURNING j.message_id, j.line_message_id, j.kind, j.file_name, j.attempts
      """;

  /**
   * $1 message, $2 takings allowed. Counts a retry's taking of the media just before its fetch starts, so a fetch that
   * a crash cuts short still counts; one taken $2 times already without being stored is given up instead (a file
   * that brings the gateway down while it downloads would otherwise be fetched after every restart). Returns the
   * status: {@code pending} to fetch, {@code failed} when given up; no row when it is no longer pending.
   */
  static final String MEDIA_TAKEN = """
      UPDATE line_media SET taken = taken + 1,
             status = CASE WHEN taken >= $2 THEN 'failed' ELSE status END,
             last_error = CASE WHEN taken >= $2
                               THEN 'given up after ' || taken || ' retries: a fetch did not finish (the gateway stopped during it)'
                               ELSE last_error END
       WHERE message_id = $1 AND status = 'pending'
      RETURNING status
      """;

  /**
   * $1 message, $2 content type, $3 file name, $4 size, $5 bytes. The file joins its message, once, and the media
   * row is done, in one statement; nothing is added when the media was already stored (also by a gateway from before
   * this table) or the resident took the message back (the row is then deleted). The message row is locked for share:
   * an unsend that commits first makes this add nothing; one that waits for this is followed by
   * {@link #MEDIA_FORGOTTEN}, which deletes the file. Returns a row when added.
   */
  static final String MEDIA_STORED = """
      WITH msg AS (
        SELECT id, case_id, contact_id FROM message WHERE id = $1 AND unsent_at IS NULL FOR SHARE
      ), job AS (
        UPDATE line_media SET status = 'stored', attempts = attempts + 1, last_error = NULL
         WHERE message_id = $1 AND status = 'pending' AND EXISTS (SELECT 1 FROM msg)
        RETURNING message_id
      ), forgotten AS (
        DELETE FROM line_media WHERE message_id = $1 AND NOT EXISTS (SELECT 1 FROM msg)
      ), stored AS (
        INSERT INTO attachment (message_id, content_type, file_name, size_bytes, data)
        SELECT msg.id, $2, $3, $4, $5 FROM msg JOIN job ON job.message_id = msg.id
         WHERE NOT EXISTS (SELECT 1 FROM attachment a WHERE a.message_id = msg.id)
        RETURNING message_id
      )
      SELECT s.message_id, msg.case_id, msg.contact_id FROM stored s JOIN msg ON msg.id = s.message_id
      """;

  /**
   * $1 message, taken back by its sender (run after that commit). Its media row goes, with the file name, and so does
   * a file a fetch stored while the unsend waited for it: the unsend's own statement could not see that row yet.
   */
  static final String MEDIA_FORGOTTEN = """
      WITH row_gone AS (DELETE FROM line_media WHERE message_id = $1)
      DELETE FROM attachment a USING message m WHERE a.message_id = $1 AND m.id = $1 AND m.unsent_at IS NOT NULL
      """;



  /**
   * $1 message, $2 reason, $3 true when trying again cannot help, $4 attempts allowed, $5 milliseconds until the next,
   * $6 the note for staff. Returns the new status; no row when the media was no longer pending. When the file is given
   * up, the open case now holding its message (a merge moves it) gets $6 as a note without a staff author, in the same
   * statement, share-locked as a staff note is: staff would otherwise see 「[画像]」 with nothing to say it will never
   * come, and not ask the resident to send it again. Returns that note's id, case and contact too (null without one).
   */
  static final String MEDIA_FAILED = """
      WITH RECURSIVE job AS (
        UPDATE line_media SET attempts = attempts + 1, last_error = $2,
               status = CASE WHEN $3 OR attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END,
               next_attempt_at = now() + $5 * interval '1 millisecond'
         WHERE message_id = $1 AND status = 'pending'
        RETURNING message_id, status
      ), holder (id, merged_into) AS (
        SELECT c.id, c.merged_into
          FROM job JOIN message m ON m.id = job.message_id JOIN consultation_case c ON c.id = m.case_id
         WHERE job.status = 'failed' AND m.unsent_at IS NULL
        UNION ALL
        SELECT c.id, c.merged_into FROM consultation_case c JOIN holder h ON c.id = h.merged_into
      ), noted AS (
        INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery)
        SELECT c.id, c.contact_id, c.channel, 'note', $6, NULL, 'none'
          FROM consultation_case c JOIN holder h ON h.id = c.id
         WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND c.status = 'open'
           FOR SHARE OF c
        RETURNING id, case_id, contact_id
      )
      SELECT job.status, noted.id AS note_id, noted.case_id, noted.contact_id FROM job LEFT JOIN noted ON true
      """;
}
