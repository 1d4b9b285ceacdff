package jp.kurashi.connectors.webchat;

/** SQL for web chat sessions and the conversation a chat replays. */
final class WebchatSql {

  private WebchatSql() {
  }

  /** $1 office, $2 token hash, $3 contact ref, $4 language, $5 now (the injected clock's). */
  static final String CREATE = """
      INSERT INTO webchat_session (office_id, token_hash, contact_ref, language, created_at, last_seen_at)
      VALUES ($1, $2, $3, $4, $5, $5)
      RETURNING id
      """;

  /**
   * $1 token hash, $2 now, $3 idle cutoff (now minus the idle limit). A live session bumps
   * last_seen_at to $2; a revoked one, or one unused since before $3, matches nothing.
   */
  static final String BY_TOKEN = """
      UPDATE webchat_session s SET last_seen_at = $2
       WHERE token_hash = $1 AND revoked_at IS NULL AND last_seen_at > $3
      RETURNING s.id, s.office_id, s.contact_ref, s.language,
                (SELECT k.id FROM contact k WHERE k.channel = 'webchat' AND k.external_id = s.contact_ref) AS contact_id,
                (SELECT k.consent_at FROM contact k WHERE k.channel = 'webchat' AND k.external_id = s.contact_ref)
                  AS consent_at
      """;

  /**
   * $1 token hash, $2 now. Ends the session for good; ending it again keeps the first time, so the call is
   * idempotent. Returns the id when the token was ever issued, with its chat's contact once there is one.
   */
  static final String REVOKE = """
      UPDATE webchat_session s SET revoked_at = coalesce(revoked_at, $2)
       WHERE token_hash = $1
      RETURNING s.id, s.office_id,
                (SELECT k.id FROM contact k WHERE k.channel = 'webchat' AND k.external_id = s.contact_ref) AS contact_id
      """;

  /**
   * $1 session id, $2 the token hash it was opened with, $3 the new resume code's hash. Replaces any earlier code; nothing
   * when the session was ended or moved to another token meanwhile.
   */
  static final String SET_RESUME_CODE = """
      UPDATE webchat_session SET resume_code_hash = $3
       WHERE id = $1 AND token_hash = $2 AND revoked_at IS NULL
      RETURNING id
      """;

  /**
   * $1 resume code hash, $2 the new token's hash, $3 now, $4 idle cutoff, $5 office, $6 the note for the desk. Moves a
   * live session of this office to a new token: the old one opens nothing from now on, and the code is used up (seen
   * once, over a shoulder or on a note, it must not open the chat for good). In the same statement the case now holding
   * the chat's thread (its latest case, or the case that was merged into) gets a note without a staff author, when that
   * case is open: the consultant learns the chat changed devices and can check with the resident if they did not expect
   * it. A closed case gets none (nobody would read it, and it would hold the case back from retention). The case is
   * share-locked, as for a staff note, so a merge or an erasure waits for it. Returns the session, its contact and the
   * note (null without an open case).
   */
  static final String RESUME = """
      WITH RECURSIVE moved AS (
        UPDATE webchat_session s SET token_hash = $2, last_seen_at = $3, resume_code_hash = NULL
         WHERE resume_code_hash = $1 AND revoked_at IS NULL AND last_seen_at > $4 AND office_id = $5
        RETURNING s.id, s.office_id, s.contact_ref
      ), chat AS (
        SELECT m.id AS session_id, m.office_id, k.id AS contact_id
          FROM moved m LEFT JOIN contact k
            ON k.office_id = m.office_id AND k.channel = 'webchat' AND k.external_id = m.contact_ref
      ), latest AS (
        SELECT c.id, c.merged_into FROM consultation_case c JOIN chat ON c.contact_id = chat.contact_id
         ORDER BY c.id DESC
         LIMIT 1
      ), holder (id, merged_into) AS (
        SELECT id, merged_into FROM latest
        UNION ALL
        SELECT c.id, c.merged_into FROM consultation_case c JOIN holder h ON c.id = h.merged_into
      ), noted AS (
        INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery)
        SELECT c.id, c.contact_id, c.channel, 'note', $6, NULL, 'none'
          FROM consultation_case c JOIN holder h ON h.id = c.id
         WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND c.status = 'open'
           FOR SHARE OF c
        RETURNING id, case_id
      )
      SELECT chat.session_id AS id, chat.office_id, chat.contact_id, noted.case_id, noted.id AS note_id
        FROM chat LEFT JOIN noted ON true
      """;

  /** $1 session id, $2 token hash. Whether the session still has this token (a resume code moves it to a new one). */
  static final String HOLDS_TOKEN = "SELECT 1 FROM webchat_session WHERE id = $1 AND token_hash = $2";

  /**
   * $1 contact ref, $2 idle cutoff (now minus the idle limit). Whether the chat can still be read, by BY_TOKEN's
   * rule: ended (revoked), idle (unused since before $2) or live; no row when the chat has no session.
   */
  static final String STATE_BY_CONTACT = """
      SELECT CASE WHEN revoked_at IS NOT NULL THEN 'ENDED' WHEN last_seen_at > $2 THEN 'LIVE' ELSE 'IDLE' END AS state
        FROM webchat_session WHERE contact_ref = $1
      """;

  /**
   * The chat as the resident sees it (their messages and replies, not staff notes) after the message the client saw
   * last: those with a larger id, and those shown (stored, or sent) since $4 seconds before that one was. A reply
   * queued before the resident's message from another tab has the smaller id but is sent after it; and pushes of two
   * messages may reach a socket out of order. The client skips ids it has. $1 contact ref, $2 after id, $3 limit,
   * $4 overlap seconds, $5 the largest id this replay has sent (0 at first): batches go on from there.
   */
  static final String CONVERSATION = """
      WITH chat AS (
        SELECT id FROM contact WHERE channel = 'webchat' AND external_id = $1
      ), seen AS (
        SELECT m.shown_at - make_interval(secs => $4) AS since FROM message m
         WHERE m.id = $2 AND m.contact_id IN (SELECT id FROM chat)
      )
      SELECT m.id, m.direction, m.staff_id, m.body, m.created_at,
             EXISTS (SELECT 1 FROM attachment a WHERE a.message_id = m.id) AS has_attachment
        FROM message m
       WHERE m.contact_id IN (SELECT id FROM chat) AND m.direction IN ('in', 'out') AND m.id > $5
         -- A failed reply is one the desk decided not to send (a restore failed it rather than send it late) or could
         -- not: the resident sees it once a consultant sends it again, not before.
         AND m.delivery <> 'failed'
         AND (m.id > $2 OR m.id < $2 AND m.shown_at >= (SELECT since FROM seen))
       ORDER BY m.id
       LIMIT $3
      """;

  /** $1 message, $2 contact id. One message of this contact's chat. */
  static final String MESSAGE = """
      SELECT m.id, m.direction, m.staff_id, m.body, m.created_at,
             EXISTS (SELECT 1 FROM attachment a WHERE a.message_id = m.id) AS has_attachment
        FROM message m WHERE m.id = $1 AND m.contact_id = $2 AND m.direction IN ('in', 'out')
      """;

  // Retention (WebchatRetentionStore): sessions go with their contact, or when they never became one.

  /** $1 contact refs of web chat contacts being erased (same transaction). Their sessions (token hashes). */
  static final String DELETE_CONTACTS_SESSIONS = "DELETE FROM webchat_session WHERE contact_ref = ANY($1)";

  /** $1 last seen before, $2 limit. Web chat sessions whose chat never became a contact. */
  static final String STALE_SESSIONS = """
      DELETE FROM webchat_session WHERE id IN (
        SELECT s.id FROM webchat_session s
         WHERE s.last_seen_at < $1
           AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.channel = 'webchat' AND k.external_id = s.contact_ref)
         LIMIT $2)
      """;
}
