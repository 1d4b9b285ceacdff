package jp.kurashi.connectors.mail;

/** SQL for the email channel: cursor, raw inbox, threading, bounces. */
final class MailSql {

  private MailSql() {
  }

  /** $1 mailbox. */
  static final String CURSOR = "SELECT uidvalidity, last_uid FROM mail_cursor WHERE mailbox = $1";

  /**
   * $1 mailbox, $2 uidvalidity, $3 uid, $4 raw, $5 whether raw is a too-large mail's stand-in. A repeat of (mailbox,
   * uidvalidity, uid) is ignored.
   */
  static final String INSERT_RAW = """
      INSERT INTO mail_inbox (mailbox, uidvalidity, uid, raw, too_large) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (mailbox, uidvalidity, uid) DO NOTHING
      """;

  /** $1 mailbox, $2 uidvalidity, $3 last uid. */
  static final String SAVE_CURSOR = """
      INSERT INTO mail_cursor (mailbox, uidvalidity, last_uid) VALUES ($1, $2, $3)
      ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = EXCLUDED.uidvalidity, last_uid = EXCLUDED.last_uid,
                                          updated_at = now()
      """;

  /**
   * $1 mailbox, $2 uidvalidity, $3 uids, $4 their UIDVALIDITY in the processed folder, $5 their UIDs there, $6 the
   * processed folder's name.
   */
  static final String RECORD_MOVED = """
      UPDATE mail_inbox i SET moved_folder = $6, moved_uidvalidity = u.moved_validity, moved_uid = u.moved_uid
        FROM unnest($3::bigint[], $4::bigint[], $5::bigint[]) AS u(uid, moved_validity, moved_uid)
       WHERE i.mailbox = $1 AND i.uidvalidity = $2 AND i.uid = u.uid
      """;

  /**
   * A row whose message also came as a too-large mail's stand-in: fetched whole again later (the folder's UIDVALIDITY
   * changed after MAIL_MAX_BYTES was raised), it was taken as a duplicate of the stand-in, whose case holds only the
   * note, so the copy on the server is still the only whole one.
   */
  private static final String NO_STAND_IN_OF_IT =
      " AND NOT EXISTS (SELECT 1 FROM mail_inbox t WHERE t.too_large AND t.message_id = i.message_id)";

  /**
   * $1 mailbox, $2 the polled folder's UIDVALIDITY, $3 UIDs. Those of them whose mail is handled (stored as a message,
   * or known as a duplicate or an erased mail): never a pending or quarantined one, whose copy on the server may be
   * the one that counts, nor a too-large one, whose copy there is the only whole one.
   */
  static final String HANDLED_IN_FOLDER = """
      SELECT uid FROM mail_inbox i WHERE mailbox = $1 AND uidvalidity = $2 AND uid = ANY($3) AND status = 'done'
         AND NOT too_large""" + NO_STAND_IN_OF_IT;

  /**
   * $1 mailbox, $2 the processed folder's UIDVALIDITY, $3 UIDs there, $4 its name. The same, for mails moved there.
   */
  static final String HANDLED_MOVED = """
      SELECT moved_uid FROM mail_inbox i
       WHERE mailbox = $1 AND moved_folder = $4 AND moved_uidvalidity = $2 AND moved_uid = ANY($3)
         AND status = 'done' AND NOT too_large""" + NO_STAND_IN_OF_IT;

  /**
   * $1 mailbox, $2 limit. Only mails that are due, new ones first and each group oldest first: a mail
   * waiting for its retry does not hold up the rest, nor does a retry delay a new mail in the round.
   */
  static final String PENDING = """
      SELECT id, attempts FROM mail_inbox
       WHERE mailbox = $1 AND status = 'pending' AND next_attempt_at <= now()
       ORDER BY attempts = 0 DESC, id LIMIT $2
      """;

  /** $1 inbox id. A mail that lost a race waits a few seconds, its attempts unchanged, so it is not taken at once. */
  static final String CONFLICTED =
      "UPDATE mail_inbox SET next_attempt_at = now() + interval '5 seconds', taken_by = NULL WHERE id = $1";

  /**
   * $1 inbox id, $2 the poller taking it, $3 the reason recorded when another poller's mark is found, $4 attempts
   * allowed. Marks a due mail taken and returns its bytes (none when it is no longer pending). Another poller's mark
   * means that poller stopped before it recorded an outcome (the gateway killed or crashed mid-way): counted as a
   * failed attempt, and the last allowed quarantines the mail instead of handing it over again. The poller's own mark
   * (left by a database outage it lived through) is no attempt.
   */
  static final String TAKE = """
      WITH before AS (
        SELECT id, taken_by IS NOT NULL AND taken_by <> $2 AS interrupted FROM mail_inbox
         WHERE id = $1 AND status = 'pending' FOR UPDATE
      )
      UPDATE mail_inbox m
         SET attempts = m.attempts + CASE WHEN b.interrupted THEN 1 ELSE 0 END,
             last_error = CASE WHEN b.interrupted THEN $3 ELSE m.last_error END,
             status = CASE WHEN b.interrupted AND m.attempts + 1 >= $4 THEN 'quarantined' ELSE 'pending' END,
             taken_by = CASE WHEN b.interrupted AND m.attempts + 1 >= $4 THEN NULL ELSE $2 END
        FROM before b WHERE m.id = b.id
      RETURNING m.raw, m.attempts, m.status, b.interrupted
      """;

  /** $1 inbox id, $2 message id. */
  static final String DONE =
      "UPDATE mail_inbox SET status = 'done', message_id = $2, last_error = NULL, taken_by = NULL WHERE id = $1";

  /** $1 inbox id. A mail of an erased case, fetched again: handled, and its bytes gone at once, as they were before. */
  static final String DONE_ERASED = "UPDATE mail_inbox SET status = 'done', message_id = NULL, last_error = NULL, "
      + "raw = NULL, taken_by = NULL WHERE id = $1";

  /**
   * $1 inbox id, $2 reason, $3 attempts allowed, $4 milliseconds until the next attempt.
   * Returns the new status; no row when the mail was no longer pending.
   */
  static final String FAILED = """
      UPDATE mail_inbox SET attempts = attempts + 1, last_error = $2,
             status = CASE WHEN attempts + 1 >= $3 THEN 'quarantined' ELSE 'pending' END,
             next_attempt_at = now() + $4 * interval '1 millisecond', taken_by = NULL
       WHERE id = $1 AND status = 'pending'
      RETURNING status
      """;

  /** Quarantined mails whose raw bytes are still kept (until MAIL_RAW_KEEP_DAYS). */
  static final String QUARANTINED = "SELECT count(*) FROM mail_inbox WHERE status = 'quarantined' AND raw IS NOT NULL";

  /** $1 Message-IDs. The case of the newest mail message with one of these ids. */
  static final String CASE_BY_MESSAGE_IDS = """
      SELECT case_id FROM message WHERE channel = 'mail' AND external_id = ANY($1) ORDER BY id DESC LIMIT 1
      """;

  /** $1 message, $2 a sender's address. Whether the message came in from that address. */
  static final String SENT_BY = """
      SELECT EXISTS (SELECT 1 FROM message m JOIN contact k ON k.id = m.contact_id
                      WHERE m.id = $1 AND m.direction = 'in' AND lower(k.external_id) = lower($2)) AS sent_by
      """;

  /** $1 case, $2 the token's random part. The case when the part is the one it was given. */
  static final String CASE_BY_TOKEN = "SELECT id FROM consultation_case WHERE id = $1 AND mail_token = $2";

  /**
   * $1 our Message-ID, $2 reason, $3 the report's recipients (lower case). Only a mail the desk sent to one of
   * the report's recipients is marked: a hand-made report naming another resident's mail changes nothing.
   */
  static final String BOUNCED = """
      WITH bounced AS (
        UPDATE message m SET delivery = 'failed', delivery_error = $2
          FROM consultation_case c JOIN contact k ON k.id = c.contact_id
         WHERE m.channel = 'mail' AND m.direction = 'out' AND m.external_id = $1
           AND c.id = m.case_id AND lower(k.external_id) = ANY($3)
        RETURNING m.id, m.case_id
      ), outbox_failed AS (
        -- The outbox row fails with its message, so staff can send it again (再送 takes failed rows only).
        UPDATE outbox o SET status = 'failed', last_error = $2, updated_at = now()
          FROM bounced b WHERE o.message_id = b.id AND o.status = 'sent'
      )
      SELECT id, case_id FROM bounced
      """;

  /**
   * $1 case, $2 a fresh random token part. Subject of the latest inbound mail, every Message-ID of the case,
   * oldest first, and the case's token part: $2 is stored only when the case has none yet, so concurrent
   * sends agree on the first one stored. Only the resident's own mails and the desk's to them count: not an
   * auto-responder's (the reply would be titled 「Re: 自動応答: 不在のお知らせ」 and answer a mail the resident never saw),
   * nor those of another contact whose case was merged into this one (their subject and ids are theirs).
   */
  static final String THREAD = """
      WITH token AS (
        UPDATE consultation_case SET mail_token = COALESCE(mail_token, $2) WHERE id = $1 RETURNING mail_token
      ), resident AS (
        SELECT contact_id FROM consultation_case WHERE id = $1
      )
      SELECT (SELECT mail_token FROM token) AS token,
             (SELECT subject FROM message WHERE case_id = $1 AND direction = 'in' AND subject IS NOT NULL
                 AND NOT automated AND contact_id = (SELECT contact_id FROM resident)
               ORDER BY id DESC LIMIT 1) AS subject,
             (SELECT external_id FROM message WHERE case_id = $1 AND direction = 'in' AND channel = 'mail'
                 AND NOT automated AND contact_id = (SELECT contact_id FROM resident)
               ORDER BY id DESC LIMIT 1) AS last_inbound,
             ARRAY(SELECT external_id FROM message WHERE case_id = $1 AND channel = 'mail'
                     AND external_id LIKE '<%' AND NOT automated AND contact_id = (SELECT contact_id FROM resident)
                   ORDER BY id) AS ids
      """;

  /** $1 lock key. Session-level: held while this connection lives. */
  static final String TRY_LOCK = "SELECT pg_try_advisory_lock($1) AS locked";

  /** $1 lock key. */
  static final String UNLOCK = "SELECT pg_advisory_unlock($1)";

  // Retention (MailRetentionStore): the raw mails of erased cases, mails that became no message, raw bytes after
  // MAIL_RAW_KEEP_DAYS.

  /**
   * $1 case ids (being erased, in the same transaction, before their messages). What is kept of their mails: the hash
   * {@link MailStore#erasedKey} makes of office, sender and key (the desk's own mails with no sender), so the same
   * mails fetched again, a copy of the desk's reply or a delivery report about it, are not stored again.
   */
  static final String REMEMBER_ERASED = """
      INSERT INTO mail_erased (key)
      SELECT encode(sha256(convert_to(m.office_id || E'\\n'
                    || CASE WHEN m.direction = 'in' THEN lower(k.external_id) ELSE '' END || E'\\n' || m.external_id,
                    'UTF8')), 'hex')
        FROM message m JOIN contact k ON k.id = m.contact_id
       WHERE m.case_id = ANY($1) AND m.channel = 'mail' AND m.direction IN ('in', 'out') AND m.external_id IS NOT NULL
      ON CONFLICT (key) DO NOTHING
      """;

  /** $1 hashes. Whether a mail under one of them was erased with its case. */
  static final String ERASED = "SELECT EXISTS (SELECT 1 FROM mail_erased WHERE key = ANY($1))";

  /** $1 case ids (being erased, in the same transaction). The raw mails the cases' messages came from. */
  static final String DELETE_CASES_MAILS = """
      DELETE FROM mail_inbox WHERE message_id IN (SELECT id FROM message WHERE case_id = ANY($1))
      """;

  /** $1 fetched before, $2 limit. Handled mails that became no message (quarantined, bounces, ignored). */
  static final String STALE_MAILS = """
      DELETE FROM mail_inbox WHERE id IN (
        SELECT id FROM mail_inbox WHERE message_id IS NULL AND status <> 'pending' AND fetched_at < $1 LIMIT $2)
      """;

  /**
   * $1 fetched before, $2 limit. The raw bytes of handled mails (stored, or quarantined after their attempts);
   * the row stays, so the same UID fetched again is still ignored and the case keeps its link.
   */
  static final String DROP_RAW = """
      UPDATE mail_inbox SET raw = NULL WHERE id IN (
        SELECT id FROM mail_inbox WHERE raw IS NOT NULL AND status <> 'pending' AND fetched_at < $1
         ORDER BY fetched_at LIMIT $2
           FOR UPDATE SKIP LOCKED)
      """;
}
