package jp.kurashi.core.store;

/**
 * SQL for what consultants do to a case: claim, assign, close, reopen, merge, link, complaint, notes, retries.
 * Each change returns the case as it left it ({@link #CASE_STATE}'s columns), which its event carries.
 */
final class CaseCommandSql {

  private CaseCommandSql() {
  }

  /** $1 case: the columns every change returns. */
  static final String CASE_STATE = """
      SELECT id, office_id, contact_id, channel, status, assignee_id, urgency FROM consultation_case WHERE id = $1
      """;

  /**
   * $1 case, $2 staff, $3 the staff member's office. Only an open, unassigned case of the same office
   * can be claimed. No row: no such case in this office; otherwise its status and whether this call
   * claimed it. The update re-checks status and assignee on the row it locks, so a case closed or
   * claimed meanwhile is not claimed (it reads as taken).
   */
  static final String CLAIM = """
      WITH target AS (
        SELECT id, status FROM consultation_case WHERE id = $1 AND office_id = $3
      ), claimed AS (
        UPDATE consultation_case SET assignee_id = $2
         WHERE id = $1 AND office_id = $3 AND status = 'open' AND assignee_id IS NULL
        RETURNING id, office_id, contact_id, channel, status, assignee_id, urgency
      )
      SELECT t.status AS found_status, c.id IS NOT NULL AS claimed,
             c.id, c.office_id, c.contact_id, c.channel, c.status, c.assignee_id, c.urgency
        FROM target t LEFT JOIN claimed c ON true
      """;

  /**
   * $1 case, $2 staff, $3 office. The new assignee must be an active consultant or chief of the same
   * office: an admin manages accounts and never reads case content, so a case given to one would sit
   * unanswered. Returns whether it was assigned, whether the case exists in the office, and whether the
   * staff member does (so a refusal can say which).
   */
  static final String ASSIGN = """
      WITH target AS (
        SELECT id, role, active FROM staff WHERE id = $2 AND office_id = $3
      ), assigned AS (
        UPDATE consultation_case c SET assignee_id = t.id FROM target t
         WHERE c.id = $1 AND c.office_id = $3 AND t.active AND t.role IN ('consultant', 'chief')
        RETURNING c.id, c.office_id, c.contact_id, c.channel, c.status, c.assignee_id, c.urgency
      )
      SELECT a.id IS NOT NULL AS assigned,
             EXISTS (SELECT 1 FROM consultation_case WHERE id = $1 AND office_id = $3) AS case_found,
             EXISTS (SELECT 1 FROM target) AS staff_found,
             a.id, a.office_id, a.contact_id, a.channel, a.status, a.assignee_id, a.urgency
        FROM (SELECT 1) one LEFT JOIN assigned a ON true
      """;

  /**
   * $1 case, $2 staff, $3 text, $4 the console form's draft (or null). No row: no such case, an erased case or one
   * merged into another, or the draft is stored already ({@link #NOTE_OF_DRAFT} tells). The case row is share-locked
   * until the commit, so retention cannot erase the case in between and leave this note behind.
   */
  static final String NOTE = """
      INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, draft_id)
      SELECT c.id, c.contact_id, c.channel, 'note', $3, $2, 'none', $4 FROM consultation_case c
       WHERE c.id = $1 AND c.erased_at IS NULL AND c.merged_into IS NULL
         FOR SHARE OF c
      ON CONFLICT (case_id, draft_id) WHERE draft_id IS NOT NULL DO NOTHING
      RETURNING id
      """;

  /**
   * $1 case, $2 draft: what that draft stored (a note, or a reply if a client reused the id), on the case or where it
   * was merged to.
   */
  static final String NOTE_OF_DRAFT = MessageSql.THREAD_HOLDERS + """
      SELECT id, direction, body, staff_id FROM message
       WHERE case_id IN (SELECT id FROM thread_holder) AND draft_id = $2
      """;

  /** $1 case, $2 outcome, $3 now. */
  static final String CLOSE = """
      UPDATE consultation_case SET status = 'closed', outcome = $2, closed_at = $3
       WHERE id = $1 AND status = 'open'
      RETURNING id, office_id, contact_id, channel, status, assignee_id, urgency
      """;

  /** $1 case. A closed case reopens unless its contact already has another open case. */
  static final String REOPEN = """
      UPDATE consultation_case c SET status = 'open', outcome = NULL, closed_at = NULL
       WHERE c.id = $1 AND c.status = 'closed' AND c.merged_into IS NULL AND c.erased_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM consultation_case o WHERE o.contact_id = c.contact_id AND o.status = 'open')
      RETURNING c.id, c.office_id, c.contact_id, c.channel, c.status, c.assignee_id, c.urgency
      """;

  /**
   * $1 duplicate, $2 case kept, $3 office, $4 now. The duplicate closes and points at the kept case. Neither may be
   * erased. A kept case that is closed takes the later of the two closings, so retention counts the moved messages
   * from their own end, not from an older closing (which would erase a current consultation early).
   */
  static final String MERGE = """
      WITH kept_row AS (
        -- Locked first: retention erasing the kept case at this moment makes this wait, then find it erased, and the
        -- merge does nothing (read without the lock, it moved current messages into an erased case, kept for ever).
        SELECT k.id FROM consultation_case k
         WHERE k.id = $2 AND k.office_id = $3 AND k.merged_into IS NULL AND k.erased_at IS NULL
         FOR UPDATE
      ), duplicate AS (
        UPDATE consultation_case d SET merged_into = $2, status = 'closed', closed_at = COALESCE(d.closed_at, $4),
               outcome = COALESCE(d.outcome, 'other')
         WHERE d.id = $1 AND d.id <> $2 AND d.office_id = $3 AND d.merged_into IS NULL AND d.erased_at IS NULL
           AND EXISTS (SELECT 1 FROM kept_row)
        RETURNING d.id, d.office_id, d.contact_id, d.channel, d.status, d.assignee_id, d.urgency, d.closed_at,
                  d.auto_notice_at
      ), kept AS (
        -- The duplicate's automatic-notice slot comes along: a notice for one of its messages still owed is stored on
        -- the kept case, and must not repeat what the duplicate's resident got within the gap. Not the safety slot: a
        -- crisis written on the kept case's channel gets its safety message there, whatever the other channel had.
        UPDATE consultation_case k
           SET closed_at = CASE WHEN k.status = 'closed' THEN GREATEST(k.closed_at, (SELECT closed_at FROM duplicate))
                                ELSE k.closed_at END,
               auto_notice_at = GREATEST(k.auto_notice_at, (SELECT auto_notice_at FROM duplicate))
          FROM kept_row WHERE k.id = kept_row.id AND EXISTS (SELECT 1 FROM duplicate)
      )
      SELECT id, office_id, contact_id, channel, status, assignee_id, urgency FROM duplicate
      """;

  /**
   * $1 duplicate, $2 case kept: the thread moves to the kept case with its console drafts, so a note or reply sent
   * again after the merge is known as sent. A draft id the kept case holds already (a client that reused one on both)
   * is dropped from the moved message: a draft is one per case, and it would otherwise stop the merge.
   */
  static final String MOVE_MESSAGES = """
      UPDATE message m SET case_id = $2,
             draft_id = CASE WHEN EXISTS (SELECT 1 FROM message k WHERE k.case_id = $2 AND k.draft_id = m.draft_id)
                             THEN NULL ELSE m.draft_id END
       WHERE m.case_id = $1
      """;

  /**
   * Links the contacts of two cases as one resident: an existing resident is kept (and two are
   * joined), or a new one is created. $1 case, $2 other case, $3 office.
   */
  static final String LINK = """
      WITH pair AS (
        SELECT k.id, k.resident_id FROM consultation_case c JOIN contact k ON k.id = c.contact_id
         WHERE c.id IN ($1, $2) AND c.office_id = $3
      ), created AS (
        INSERT INTO resident (office_id) SELECT $3
         WHERE NOT EXISTS (SELECT 1 FROM pair WHERE resident_id IS NOT NULL) AND (SELECT count(*) FROM pair) = 2
        RETURNING id
      ), chosen AS (
        SELECT COALESCE((SELECT min(resident_id) FROM pair), (SELECT id FROM created)) AS id
      )
      UPDATE contact SET resident_id = (SELECT id FROM chosen)
       WHERE (SELECT count(*) FROM pair) = 2
         AND (id IN (SELECT id FROM pair)
              OR resident_id IN (SELECT resident_id FROM pair WHERE resident_id IS NOT NULL))
      RETURNING resident_id
      """;

  /** $1 case, $2 complaint flag. */
  static final String COMPLAINT = """
      UPDATE consultation_case SET complaint = $2 WHERE id = $1
      RETURNING id, office_id, contact_id, channel, status, assignee_id, urgency
      """;

  /**
   * Whether outbox row {@code o} may go again only on a consultant's word: held by the worker, or failed after an
   * attempt that may have arrived and with its retry key expired since (a resend would otherwise be held at once).
   */
  private static final String NEEDS_CONFIRMATION =
      "(o.awaits_confirmation OR (o.may_have_arrived AND COALESCE(o.key_expires_at <= now(), false)))";

  /**
   * Which hold a consultant is asked to confirm: the failed row's last change, in microseconds. A reply failed again
   * since the question was asked (another consultant's resend, a new reason) is another hold and is asked anew.
   */
  private static final String HOLD = "floor(extract(epoch FROM o.updated_at) * 1000000)::bigint";

  /**
   * $1 message, $2 case, $3 the hold a consultant confirmed the resident did not get (null: none). A failed reply goes
   * back to the outbox with a fresh set of attempts. One held because it may have arrived under a retry key its
   * channel has forgotten goes back only when that very hold was confirmed, and then under a new key: the old one
   * would not stop a repeat anyway.
   */
  static final String RETRY = """
      WITH target AS (
        SELECT o.id, %s AS unsure, COALESCE(o.key_expires_at <= now(), false) AS expired, %s AS hold
          FROM outbox o JOIN message m ON m.id = o.message_id
         WHERE m.id = $1 AND m.case_id = $2 AND o.status = 'failed'
      ), again AS (
        -- A key the channel has forgotten protects nothing: the resend gets a new one, with its own life.
        UPDATE outbox o SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
                            updated_at = now(),
                            idempotency_key = CASE WHEN t.unsure OR t.expired THEN gen_random_uuid()
                                                   ELSE o.idempotency_key END,
                            key_expires_at = CASE WHEN t.unsure OR t.expired THEN NULL ELSE o.key_expires_at END,
                            may_have_arrived = o.may_have_arrived AND NOT (t.unsure OR t.expired),
                            awaits_confirmation = false
          FROM target t
         WHERE o.id = t.id AND o.status = 'failed' AND (NOT t.unsure OR t.hold = $3::bigint)
        RETURNING o.message_id
      )
      UPDATE message SET delivery = 'queued', delivery_error = NULL FROM again WHERE message.id = again.message_id
      RETURNING message.id
      """.formatted(NEEDS_CONFIRMATION, HOLD);

  /** $1 message, $2 case: the hold of that reply when it failed and waits for a consultant's confirmation. */
  static final String AWAITS_CONFIRMATION = """
      SELECT %s AS hold FROM outbox o JOIN message m ON m.id = o.message_id
       WHERE m.id = $1 AND m.case_id = $2 AND o.status = 'failed' AND %s
      """.formatted(HOLD, NEEDS_CONFIRMATION);
}
