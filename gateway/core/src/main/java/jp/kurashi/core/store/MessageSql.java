package jp.kurashi.core.store;

/** SQL for storing inbound messages and staff replies. */
final class MessageSql {

  private MessageSql() {
  }

  /**
   * Contact upsert, case find-or-open and message insert in ONE statement, hence one atomic
   * round trip. A message whose (office, channel, external id) is already stored changes nothing and
   * returns the first copy. Under a race with a concurrent duplicate the statement may return
   * no row: {@link #FIND_BY_EXTERNAL_ID} then finds the winner.
   *
   * <p>$1 office, $2 channel, $3 contact ref, $4 external id, $5 contact name, $6 body, $7 received at,
   * $8 subject, $9 automated, $10 case hint (an open case to continue, or NULL), $11 the channel's message id (or NULL),
   * $12 sender unverified
   *
   * <p>The hint is only a hint: it continues a case only when that case is open, of office $1, and its
   * contact is this sender ($2 and $3, addresses compared case-insensitively). Anything a mail claims
   * (subject token, References) is written by its sender, so a hint to someone else's case is ignored and
   * the message goes to the sender's own open case or a new one (issue 14 item 1).
   */
  static final String INGEST = """
      WITH existing AS (
        SELECT id, case_id, contact_id FROM message WHERE office_id = $1 AND channel = $2 AND external_id = $4
      ), contact_row AS (
        INSERT INTO contact (office_id, channel, external_id, display_name, last_seen_at)
        SELECT $1::bigint, $2::text, $3::text, $5::text, $7::timestamptz WHERE NOT EXISTS (SELECT 1 FROM existing)
        ON CONFLICT (office_id, channel, external_id) DO UPDATE
          SET last_seen_at = GREATEST(contact.last_seen_at, EXCLUDED.last_seen_at),
              display_name = COALESCE(EXCLUDED.display_name, contact.display_name)
        RETURNING id
      ), hinted AS (
        UPDATE consultation_case c
           SET last_message_at = GREATEST(c.last_message_at, $7::timestamptz),
               last_inbound_at = GREATEST(c.last_inbound_at, $7::timestamptz)
          FROM contact k
         WHERE c.id = $10::bigint AND c.status = 'open' AND EXISTS (SELECT 1 FROM contact_row)
           AND c.office_id = $1::bigint AND k.id = c.contact_id AND k.channel = $2::text
           AND lower(k.external_id) = lower($3::text)
        RETURNING c.id
      ), case_row AS (
        INSERT INTO consultation_case (office_id, contact_id, channel, opened_at, last_message_at, last_inbound_at)
        SELECT $1::bigint, contact_row.id, $2::text, $7::timestamptz, $7::timestamptz, $7::timestamptz FROM contact_row
         WHERE NOT EXISTS (SELECT 1 FROM hinted)
        ON CONFLICT (contact_id) WHERE status = 'open' DO UPDATE
          SET last_message_at = GREATEST(consultation_case.last_message_at, EXCLUDED.last_message_at),
              last_inbound_at = GREATEST(consultation_case.last_inbound_at, EXCLUDED.last_inbound_at)
        RETURNING id, (xmax = 0) AS opened
      ), chosen AS (
        SELECT id, false AS opened FROM hinted
        UNION ALL
        SELECT id, opened FROM case_row
      ), message_row AS (
        INSERT INTO message (office_id, case_id, contact_id, channel, direction, external_id, body, delivery,
                             created_at, subject, automated, channel_message_id, sender_unverified)
        SELECT $1::bigint, chosen.id, contact_row.id, $2::text, 'in', $4::text, $6::text, 'received',
               $7::timestamptz, $8::text, $9::boolean, $11::text, $12::boolean
          FROM chosen CROSS JOIN contact_row
        ON CONFLICT (office_id, channel, external_id) DO NOTHING
        RETURNING id, case_id, contact_id
      )
      SELECT m.id AS message_id, m.case_id, m.contact_id, c.opened, false AS duplicate
        FROM message_row m CROSS JOIN chosen c
      UNION ALL
      SELECT e.id, e.case_id, e.contact_id, false, true FROM existing e
      """;

  /**
   * {@link #INGEST} for a whole group of messages in ONE statement: the batch's fields come as arrays, one
   * element per message, and the statement ends as if INGEST had run once per message in array order.
   * ON CONFLICT may touch a row only once per statement, so contacts are grouped per (office, channel, contact ref)
   * and cases per contact first: the contact gets the latest time and the last name given, its open case is
   * opened (at the first message's time) or touched once, and only the contact's first message reports
   * {@code opened}. Rows are locked in one order (contacts by office, channel and ref, cases by contact) so two
   * groups never wait on each other crosswise; messages are inserted in array order, so their ids keep it.
   * A message already stored returns the stored copy with {@code duplicate}; one inserted concurrently by
   * another transaction returns no row ({@link #FIND_BY_EXTERNAL_ID} finds it), as with INGEST.
   *
   * <p>The caller guarantees that no (office, channel, external id) occurs twice in the arrays and that no message
   * carries a case hint (those run INGEST). Each row returned carries {@code ord}, the message's 1-based
   * position in the arrays.
   *
   * <p>$1 offices, $2 channels, $3 contact refs, $4 external ids, $5 contact names, $6 bodies,
   * $7 received at, $8 subjects, $9 automated, $10 the channel's message ids, $11 senders unverified
   */
  static final String INGEST_GROUP = """
      WITH batch AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                             $8::text[], $9::boolean[], $10::text[], $11::boolean[])
          WITH ORDINALITY AS b(office_id, channel, contact_ref, external_id, name, body, at, subject, automated,
                               channel_message_id, sender_unverified, ord)
      ), existing AS (
        SELECT b.ord, m.id, m.case_id, m.contact_id
          FROM batch b JOIN message m
            ON m.office_id = b.office_id AND m.channel = b.channel AND m.external_id = b.external_id
      ), fresh AS (
        SELECT * FROM batch b WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = b.ord)
      ), contact_in AS (
        SELECT office_id, channel, contact_ref,
               (array_agg(name ORDER BY ord DESC) FILTER (WHERE name IS NOT NULL))[1] AS name, max(at) AS at
          FROM fresh GROUP BY office_id, channel, contact_ref
      ), contact_row AS (
        INSERT INTO contact (office_id, channel, external_id, display_name, last_seen_at)
        SELECT office_id, channel, contact_ref, name, at FROM contact_in ORDER BY office_id, channel, contact_ref
        ON CONFLICT (office_id, channel, external_id) DO UPDATE
          SET last_seen_at = GREATEST(contact.last_seen_at, EXCLUDED.last_seen_at),
              display_name = COALESCE(EXCLUDED.display_name, contact.display_name)
        RETURNING id, office_id, channel, external_id
      ), case_in AS (
        SELECT k.id AS contact_id, min(k.office_id) AS office_id, min(f.channel) AS channel,
               (array_agg(f.at ORDER BY f.ord))[1] AS first_at, max(f.at) AS last_at, min(f.ord) AS first_ord
          FROM fresh f
          JOIN contact_row k ON k.office_id = f.office_id AND k.channel = f.channel AND k.external_id = f.contact_ref
         GROUP BY k.id
      ), case_row AS (
        INSERT INTO consultation_case (office_id, contact_id, channel, opened_at, last_message_at, last_inbound_at)
        SELECT office_id, contact_id, channel, first_at, last_at, last_at FROM case_in ORDER BY contact_id
        ON CONFLICT (contact_id) WHERE status = 'open' DO UPDATE
          SET last_message_at = GREATEST(consultation_case.last_message_at, EXCLUDED.last_message_at),
              last_inbound_at = GREATEST(consultation_case.last_inbound_at, EXCLUDED.last_inbound_at)
        RETURNING id, contact_id, (xmax = 0) AS opened
      ), message_row AS (
        INSERT INTO message (office_id, case_id, contact_id, channel, direction, external_id, body, delivery, created_at,
                             subject, automated, channel_message_id, sender_unverified)
        SELECT f.office_id, c.id, c.contact_id, f.channel, 'in', f.external_id, f.body, 'received', f.at, f.subject,
               f.automated, f.channel_message_id, f.sender_unverified
          FROM fresh f
          JOIN contact_row k ON k.office_id = f.office_id AND k.channel = f.channel AND k.external_id = f.contact_ref
          JOIN case_row c ON c.contact_id = k.id
         ORDER BY f.ord
        ON CONFLICT (office_id, channel, external_id) DO NOTHING
        RETURNING id, office_id, case_id, contact_id, channel, external_id
      )
      SELECT f.ord, m.id AS message_id, m.case_id, m.contact_id, (c.opened AND f.ord = ci.first_ord) AS opened,
             false AS duplicate
        FROM message_row m
        JOIN fresh f ON f.office_id = m.office_id AND f.channel = m.channel AND f.external_id = m.external_id
        JOIN case_row c ON c.id = m.case_id JOIN case_in ci ON ci.contact_id = m.contact_id
      UNION ALL
      SELECT e.ord, e.id, e.case_id, e.contact_id, false, true FROM existing e
      """;

  /** $1 channel, $2 external id, $3 office. */
  static final String FIND_BY_EXTERNAL_ID =
      "SELECT id, case_id, contact_id FROM message WHERE channel = $1 AND external_id = $2 AND office_id = $3";

  /**
   * $1 case, $2 body, $3 staff (null: an automatic message), $4 now, $5 the console's draft (null: none). Returns no row
   * when the case does not exist, was merged into another (its thread is there), its contact cannot be reached, or that
   * draft was queued already. The case row is locked first, as the reply's touch of it would lock it anyway: a merge
   * under way finishes before (and the reply then finds the case merged) or starts after (and moves the reply with the
   * thread), so no staff reply is left on a merged-away case.
   */
  static final String INSERT_REPLY = """
      INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at, draft_id)
      SELECT c.id, c.contact_id, c.channel, 'out', $2::text, $3::bigint, 'queued', $4::timestamptz, $5::uuid
        FROM consultation_case c JOIN contact k ON k.id = c.contact_id
       WHERE c.id = $1 AND k.reachable AND c.merged_into IS NULL
         FOR NO KEY UPDATE OF c
      ON CONFLICT (case_id, draft_id) WHERE draft_id IS NOT NULL DO NOTHING
      RETURNING id, channel, contact_id, (SELECT office_id FROM consultation_case WHERE id = $1) AS office_id
      """;

  /**
   * $1 case: a CTE {@code thread_holder} of that case and the cases it was merged into, in turn. A merge moves the
   * thread, drafts included, to the case kept, so a draft sent again after a merge is found there.
   */
  static final String THREAD_HOLDERS = """
      WITH RECURSIVE thread_holder (id, merged_into) AS (
        SELECT id, merged_into FROM consultation_case WHERE id = $1
        UNION ALL
        SELECT c.id, c.merged_into FROM consultation_case c JOIN thread_holder h ON c.id = h.merged_into
      )
      """;

  /**
   * $1 case, $2 draft. The reply already queued from that draft, with its outbox key (none once delivered and pruned),
   * on the case or where it was merged to.
   */
  static final String REPLY_OF_DRAFT = THREAD_HOLDERS + """
      SELECT m.id, m.direction, m.channel, m.contact_id, m.body, m.staff_id, c.office_id, o.idempotency_key
        FROM message m JOIN consultation_case c ON c.id = m.case_id
        LEFT JOIN outbox o ON o.message_id = m.id
       WHERE m.case_id IN (SELECT id FROM thread_holder) AND m.draft_id = $2
      """;

  /** $1 case. Why a reply could not be stored: the case is missing, merged into another, or its contact unreachable. */
  static final String CASE_CONTACT_REACHABLE = """
      SELECT k.reachable, c.merged_into FROM consultation_case c JOIN contact k ON k.id = c.contact_id WHERE c.id = $1
      """;

  /** $1 message, $2 content type, $3 file name, $4 size, $5 bytes. */
  static final String INSERT_ATTACHMENT = """
      INSERT INTO attachment (message_id, content_type, file_name, size_bytes, data) VALUES ($1, $2, $3, $4, $5)
      """;

  /**
   * Resident messages on the given channels whose after-commit steps never finished (no triage result, or one whose
   * automatic answer was still pending: see V40), received
   * in [$2, $3), oldest first, at most $4; taken-back messages are left alone. $1 channels, $5 office (each office's
   * pipeline sweeps its own: its profile's notices, its staff's live events).
   */
  static final String UNFINISHED = """
      SELECT m.id, m.case_id, m.contact_id, m.channel, m.external_id, k.external_id AS contact_ref, m.body,
             m.created_at, m.subject, m.channel_message_id, m.sender_unverified
        FROM message m JOIN contact k ON k.id = m.contact_id
       WHERE m.office_id = $5 AND m.direction = 'in' AND NOT m.automated AND m.unsent_at IS NULL AND m.channel = ANY($1)
         AND m.created_at >= $2 AND m.created_at < $3
         AND NOT EXISTS (SELECT 1 FROM triage_result t WHERE t.message_id = m.id AND NOT t.notice_pending)
       ORDER BY m.id
       LIMIT $4
      """;

  /**
   * $1 channel, $2 the sender's channel id, $3 the channel's message id, $4 now, $5 office. The resident takes their message
   * back: its text, subject, attachments and triage findings are erased, the row stays marked, and one audit row
   * says so, all in this one statement. Only the sender's own inbound message, only once: no row otherwise.
   */
  static final String UNSEND = """
      WITH target AS (
        SELECT m.id, m.case_id, m.contact_id FROM message m JOIN contact k ON k.id = m.contact_id
         WHERE m.channel = $1 AND m.channel_message_id = $3 AND m.direction = 'in' AND m.unsent_at IS NULL
           AND k.channel = $1 AND k.external_id = $2 AND k.office_id = $5
         FOR UPDATE OF m
      ), erased AS (
        UPDATE message m SET body = '', subject = NULL, unsent_at = $4
          FROM target t WHERE m.id = t.id
        RETURNING m.id, m.case_id, m.contact_id, m.unsent_at
      ), files AS (
        DELETE FROM attachment a USING erased e WHERE a.message_id = e.id RETURNING a.id
      ), triage AS (
        DELETE FROM triage_result r USING erased e WHERE r.message_id = e.id RETURNING r.message_id
      ), audit AS (
        INSERT INTO audit_log (case_id, action, allowed, detail)
        SELECT e.case_id, 'message.unsent', true,
               jsonb_build_object('messageId', e.id, 'channel', $1::text, 'attachments', (SELECT count(*) FROM files))
          FROM erased e
      )
      SELECT id, case_id, contact_id, unsent_at FROM erased
      """;

  /** $1 message, $2 channel, $3 idempotency key. */
  static final String INSERT_OUTBOX =
      "INSERT INTO outbox (message_id, channel, idempotency_key) VALUES ($1, $2, $3)";

  /**
   * Stores the notice on the claimed case, to the contact and on the channel of the message it answers, and queues it
   * in the outbox; follows a {@code claimed} CTE that returned the case's id and office_id and the answered case's
   * contact_id and channel. $3 now, $4 languages, $5 texts (same order), $6 text for any other language, $7
   * idempotency key.
   */
  private static final String SEND_CLAIMED_NOTICE = """
      , notice AS (
        INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at)
        SELECT cl.id, cl.contact_id, cl.channel, 'out',
               COALESCE((SELECT t.text FROM unnest($4::text[], $5::text[]) AS t(language, text)
                          WHERE t.language = k.language), $6::text),
               NULL, 'queued', $3
          FROM claimed cl JOIN contact k ON k.id = cl.contact_id
        RETURNING id, case_id, contact_id, channel
      ), queued AS (
        INSERT INTO outbox (message_id, channel, idempotency_key) SELECT id, channel, $7::uuid FROM notice
      )
      SELECT n.id, n.case_id, n.contact_id, n.channel, cl.office_id FROM notice n JOIN claimed cl ON cl.id = n.case_id
      """;

  /**
   * The case an automatic notice answers ($1), whose contact and channel it goes to. The notice itself is stored on
   * $8: that case, or the one a merge moved its thread to, so staff read it in the thread they work on.
   */
  private static final String ANSWERED = """
      WITH answered AS (SELECT contact_id, channel FROM consultation_case WHERE id = $1)""";

  /**
   * The slot-holding case ($8), still its thread's holder: a merge committing while this statement waits for the row
   * makes it find no row instead of storing the notice on the merged-away case. Follows the SET of an UPDATE.
   */
  private static final String CLAIM_ON_HOLDER = """
          FROM answered a
         WHERE c.id = $8 AND c.merged_into IS NULL AND c.erased_at IS NULL
           AND EXISTS (SELECT 1 FROM contact k WHERE k.id = a.contact_id AND k.reachable)
      """;

  /**
   * An automatic notice in ONE statement: takes the case's automatic-notice slot (at most one per $2 seconds,
   * and only while the channel can reach the resident), stores the message in the contact's language and
   * queues it in the outbox. No row when the slot was taken, the resident cannot be reached, or case $8 was
   * merged into another.
   *
   * <p>$1 case answered, $2 seconds between two notices, $3 now, $4 languages, $5 texts (same order), $6 text for
   * any other language, $7 idempotency key, $8 case the notice is stored on
   */
  static final String QUEUE_AUTO_NOTICE = ANSWERED + """
      , claimed AS (
        UPDATE consultation_case c SET auto_notice_at = $3, last_message_at = GREATEST(c.last_message_at, $3)
      """ + CLAIM_ON_HOLDER + """
           AND (c.auto_notice_at IS NULL OR c.auto_notice_at < $3::timestamptz - make_interval(secs => $2))
        RETURNING c.id, a.contact_id, a.channel, c.office_id
      )""" + SEND_CLAIMED_NOTICE;

  /**
   * The safety message in ONE statement: takes the case's safety slot (at most one per $2 seconds, only while
   * the channel can reach the resident) and, when $9, the automatic-notice slot as well, whether or not a
   * notice used it recently: out of hours the safety message carries the opening hours, so it is the night's
   * notice and no out-of-hours notice or mail acknowledgement may follow it within their gap. Then stores and
   * queues it as {@link #QUEUE_AUTO_NOTICE} does. No row when a safety message went out within $2 seconds.
   *
   * <p>$1 case answered, $2 seconds between two safety messages, $3 now, $4 languages, $5 texts (same order), $6
   * text for any other language, $7 idempotency key, $8 case the message is stored on, $9 whether it also takes the
   * automatic-notice slot
   */
  static final String QUEUE_SAFETY_NOTICE = ANSWERED + """
      , claimed AS (
        UPDATE consultation_case c SET safety_notice_at = $3,
               auto_notice_at = CASE WHEN $9::boolean THEN $3 ELSE c.auto_notice_at END,
               last_message_at = GREATEST(c.last_message_at, $3)
      """ + CLAIM_ON_HOLDER + """
           AND (c.safety_notice_at IS NULL OR c.safety_notice_at < $3::timestamptz - make_interval(secs => $2))
        RETURNING c.id, a.contact_id, a.channel, c.office_id
      )""" + SEND_CLAIMED_NOTICE;

  /** $1 case: the case its thread is now held by, when a merge moved it (no row when it is not merged). */
  static final String THREAD_NOW_HELD_BY = THREAD_HOLDERS + """
      SELECT id FROM thread_holder WHERE merged_into IS NULL AND id <> $1
      """;

  /** $1 case, $2 now. */
  static final String TOUCH_CASE =
      "UPDATE consultation_case SET last_message_at = GREATEST(last_message_at, $2) WHERE id = $1";
}
