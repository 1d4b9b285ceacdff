package jp.kurashi.core.store;

/**
 * SQL for retention (issue 14, item 12): erasing closed cases past RETENTION_YEARS in batches and pruning the audit
 * log through its one narrow path. Every statement takes a bounded batch; the erasing ones run together in one
 * transaction per batch (RetentionStore). Core's tables only: a channel erases its own (ChannelRetention).
 */
final class RetentionSql {

  private RetentionSql() {
  }

  /**
   * $1 closed before, $2 limit. Closed cases not yet erased, oldest closing first; rows another instance's
   * batch holds are skipped, so two instances never erase the same case at once.
   *
   * <p>A case merged into another is not one of them: its handoffs, notes and triage findings belong to the
   * consultation that goes on in the kept case, and it goes with that one ({@link #MERGED_INTO}); one merged into a
   * case already erased goes now. A closed case someone wrote in since the cut-off (a follow-up reply, a note, a
   * handoff, a contact made, a milestone, a complaint) is counted from that writing, not from its closing.
   */
  static final String CLOSED_CASES = """
      SELECT c.id FROM consultation_case c
       WHERE c.status = 'closed' AND c.erased_at IS NULL AND c.closed_at < $1
         AND (c.merged_into IS NULL
              OR EXISTS (SELECT 1 FROM consultation_case k WHERE k.id = c.merged_into AND k.erased_at IS NOT NULL))
         AND NOT EXISTS (SELECT 1 FROM message m WHERE m.case_id = c.id AND m.created_at >= $1)
         AND NOT EXISTS (SELECT 1 FROM handoff h WHERE h.case_id = c.id AND h.created_at >= $1)
         AND NOT EXISTS (SELECT 1 FROM case_contact_log l WHERE l.case_id = c.id AND l.recorded_at >= $1)
         AND NOT EXISTS (SELECT 1 FROM case_milestone s WHERE s.case_id = c.id AND s.recorded_at >= $1)
         AND NOT EXISTS (SELECT 1 FROM complaint p WHERE p.case_id = c.id AND p.recorded_at >= $1)
       ORDER BY c.closed_at, c.id LIMIT $2
         FOR UPDATE OF c SKIP LOCKED
      """;

  /**
   * $1 closed before. Closed cases past the keep period that are not erased: merged into a case still going on, or
   * written in since the cut-off (CLOSED_CASES passes them over), or left by a step that failed.
   */
  static final String HELD =
      "SELECT count(*) FROM consultation_case WHERE status = 'closed' AND erased_at IS NULL AND closed_at < $1";

  /**
   * $1 case ids. The cases merged into them, also through a chain of merges, not yet erased: they are erased with the
   * case they were merged into, in the same batch. Locked, in id order; only retention locks a merged-away case.
   */
  static final String MERGED_INTO = """
      WITH RECURSIVE family AS (
        SELECT c.id FROM consultation_case c WHERE c.merged_into = ANY($1) AND c.erased_at IS NULL
        UNION
        SELECT c.id FROM consultation_case c JOIN family f ON c.merged_into = f.id WHERE c.erased_at IS NULL
      )
      SELECT c.id FROM consultation_case c JOIN family f ON f.id = c.id ORDER BY c.id FOR UPDATE OF c
      """;

  /**
   * $1 case ids, $2 now. The case row becomes the anonymous record the monthly report counts: the median's
   * first-response minutes are computed exactly as ReportSql does, before the messages go; the contact, the
   * assignee and the mail token are cleared. Returns the contacts the cases belonged to.
   */
  static final String ERASE_CASES = """
      UPDATE consultation_case c
         SET first_response_minutes = (
               SELECT EXTRACT(EPOCH FROM (MIN(m.created_at) - c.opened_at)) / 60.0
                 FROM message m WHERE m.case_id = c.id AND m.direction = 'out' AND m.staff_id IS NOT NULL),
             erased_at = $2, contact_id = NULL, assignee_id = NULL, mail_token = NULL
        FROM consultation_case old
       WHERE old.id = c.id AND c.id = ANY($1)
      RETURNING old.contact_id
      """;

  private static final String CASE_MESSAGES = "SELECT id FROM message WHERE case_id = ANY($1)";

  /**
   * $1 case ids. Handoffs keep kind, date and the partner agency (the report counts them by agency; an agency is an
   * organisation, not the person); the note, appointment time and link to the message go.
   */
  static final String ANONYMISE_HANDOFFS = """
      UPDATE handoff SET note = NULL, at = NULL, message_id = NULL
       WHERE case_id = ANY($1) OR message_id IN (""" + CASE_MESSAGES + ")";

  /**
   * $1 case ids. How to communicate with the person (it describes them) goes; support milestones and the contacts
   * staff made keep kind and day (the monthly figures count them) and lose their note; a complaints-register entry
   * keeps its place, dates and channel in the register (the report counts them) but loses its case, and its words
   * unless it is still being handled or was closed after the cut-off ($2): those go once it is closed and past its own
   * keep period (STALE_COMPLAINTS).
   */
  static final String ERASE_CASE_RECORDS = """
      WITH accommodation AS (DELETE FROM case_accommodation WHERE case_id = ANY($1) RETURNING 1),
           milestones AS (UPDATE case_milestone SET note = NULL WHERE case_id = ANY($1) RETURNING 1),
           contacts_made AS (UPDATE case_contact_log SET note = NULL WHERE case_id = ANY($1) RETURNING 1)
      UPDATE complaint SET case_id = NULL,
             summary = CASE WHEN kept THEN summary ELSE '(保存期間の経過により消去)' END,
             response = CASE WHEN kept THEN response END
        FROM (SELECT id, closed_on IS NULL OR closed_on >= ($2::timestamptz AT TIME ZONE 'Asia/Tokyo')::date AS kept
                FROM complaint WHERE case_id = ANY($1)) k
       WHERE complaint.id = k.id
      """;

  /** $1 case ids. */
  static final String DELETE_OUTBOX = "DELETE FROM outbox WHERE message_id IN (" + CASE_MESSAGES + ")";

  /** $1 case ids. */
  static final String DELETE_ATTACHMENTS = "DELETE FROM attachment WHERE message_id IN (" + CASE_MESSAGES + ")";

  /** $1 case ids. What triage found (matched phrases are the resident's words) and staff corrections. */
  static final String DELETE_TRIAGE = """
      WITH r AS (DELETE FROM triage_result WHERE case_id = ANY($1) OR message_id IN (""" + CASE_MESSAGES + """
      ) RETURNING 1)
      DELETE FROM triage_correction WHERE case_id = ANY($1)
      """;

  /** $1 case ids. Messages and notes; returns the contacts they came from (a merge can mix contacts). */
  static final String DELETE_MESSAGES = "DELETE FROM message WHERE case_id = ANY($1) RETURNING contact_id";

  /**
   * $1 contact ids. Contacts no case and no message points to any more are deleted (LINE user id, mail address,
   * name, reply token, consent). Returns each one's channel and external id, for the channel's own rows behind it.
   */
  static final String DELETE_CONTACTS = """
      DELETE FROM contact k
       WHERE k.id = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM consultation_case c WHERE c.contact_id = k.id)
         AND NOT EXISTS (SELECT 1 FROM message m WHERE m.contact_id = k.id)
      RETURNING k.channel, k.external_id
      """;

  /**
   * $1 last seen before, $2 limit, $3 a shorter cut-off for contacts that never consented. Contacts that never had a
   * case or whose cases were all erased, unseen since the cut-off (a consent without a chat), or since the shorter
   * one when they never consented either, counted from their last follow or block too: a LINE follow or block from
   * someone who never wrote, kept only as long as LINE may still redeliver an older event about them.
   */
  static final String STALE_CONTACTS = """
      SELECT k.id FROM contact k
       WHERE (k.last_seen_at < $1
              OR (GREATEST(k.last_seen_at, k.reachability_at) < $3 AND k.consent_at IS NULL))
         AND NOT EXISTS (SELECT 1 FROM consultation_case c WHERE c.contact_id = k.id)
         AND NOT EXISTS (SELECT 1 FROM message m WHERE m.contact_id = k.id)
       ORDER BY k.last_seen_at LIMIT $2
         FOR UPDATE SKIP LOCKED
      """;

  /**
   * $1 closed before, $2 limit. Complaints closed longer ago than the retention period lose their words (they name
   * the resident and what happened); the entry, its dates, channel and who answered for it stay for the counts.
   */
  static final String STALE_COMPLAINTS = """
      UPDATE complaint SET summary = '(保存期間の経過により消去)', response = NULL, case_id = NULL
       WHERE id IN (SELECT p.id FROM complaint p
                     WHERE p.closed_on < ($1::timestamptz AT TIME ZONE 'Asia/Tokyo')::date
                       AND p.summary <> '(保存期間の経過により消去)'
                     ORDER BY p.closed_on LIMIT $2 FOR UPDATE SKIP LOCKED)
      """;

  /** $1 older than, $2 limit. The audit log's only way out (V17 audit_prune): never a row under two years old. */
  static final String PRUNE_AUDIT = "SELECT audit_prune($1, $2) AS n";
}
