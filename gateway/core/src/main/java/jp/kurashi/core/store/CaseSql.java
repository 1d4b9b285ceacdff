package jp.kurashi.core.store;

/** SQL for reading cases: the queue (no message text) and one case's thread. */
final class CaseSql {

  private CaseSql() {
  }

  private static final String SUMMARY_COLUMNS = """
      c.id, c.channel, c.status, c.urgency, c.categories, c.opened_at, c.last_message_at,
      c.last_inbound_at, c.assignee_id, c.consulter, c.referral_source, c.referral_agency_id,
      (SELECT a.name FROM agency a WHERE a.id = c.referral_agency_id) AS referral_agency_name, c.follow_up_on,
      k.consent_at, k.consent_version,
      EXISTS (SELECT 1 FROM message u WHERE u.case_id = c.id AND u.sender_unverified) AS sender_unverified
      """;

  /**
   * One page of the queue: $1 office, $2 status, $3 limit; $4 urgency rank, $5 last inbound time (may be null) and
   * $6 id of the previous page's last case, or all three null for the first page. Crisis first, then urgent, then
   * whoever waited longest (cases never written to last), then id: keyset paging on that order, so a crisis case
   * that arrives while staff page through older ones is on the first page and never cut off. $7: only cases whose
   * follow-up day is this day or earlier (the follow-ups due), or NULL for every case.
   */
  static final String LIST = "SELECT " + SUMMARY_COLUMNS + """
        FROM consultation_case c JOIN contact k ON k.id = c.contact_id
       WHERE c.office_id = $1 AND c.status = $2 AND c.erased_at IS NULL
         AND ($7::date IS NULL OR c.follow_up_on <= $7::date)
         AND ($4::int IS NULL
              OR (CASE c.urgency WHEN 'crisis' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                  COALESCE(c.last_inbound_at, 'infinity'::timestamptz), c.id)
                 > ($4::int, COALESCE($5::timestamptz, 'infinity'::timestamptz), $6::bigint))
       ORDER BY CASE c.urgency WHEN 'crisis' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                COALESCE(c.last_inbound_at, 'infinity'::timestamptz), c.id
       LIMIT $3
      """;

  /**
   * Cases found by a phrase: $1 office, $2 the phrase, $3 only cases assigned to this member of staff (NULL: every
   * case of the office, for the chief), $4 status (NULL: both), $5 limit. A case matches when the phrase is in its
   * contact's name or address, or in the subject or text of one of its messages (the resident's, staff replies and
   * notes; not the desk's automatic messages, which are the same in every case); newest activity first. A phrase of
   * two characters or more finds its messages through the bigram index of V21 ({@link #SEARCH}); a single character
   * has no bigram and is looked for in the messages of each case the caller may read ({@link #SEARCH_SHORT}), as is a
   * consultant's phrase: the few cases they hold cost less than the index's matches across the whole database.
   */
  private static final String SEARCH_TEMPLATE = "SELECT " + SUMMARY_COLUMNS + """
        FROM consultation_case c JOIN contact k ON k.id = c.contact_id,
             LATERAL (SELECT lower(normalize($2::text, NFKC)) AS phrase) q
       WHERE c.office_id = $1 AND c.erased_at IS NULL
         AND ($3::bigint IS NULL OR c.assignee_id = $3)
         AND ($4::text IS NULL OR c.status = $4)
         AND (strpos(lower(normalize(coalesce(k.display_name, ''), NFKC)), q.phrase) > 0
              OR strpos(lower(k.external_id), q.phrase) > 0
              OR %s)
       ORDER BY c.last_message_at DESC, c.id DESC
       LIMIT $5
      """;

  static final String SEARCH = SEARCH_TEMPLATE.formatted("""
      c.id IN (SELECT m.case_id FROM message m
                WHERE (m.direction = 'in' OR m.staff_id IS NOT NULL)
                  AND kurashi_bigrams(kurashi_search_text(m.subject, m.body)) @> kurashi_bigrams(q.phrase)
                  AND strpos(kurashi_search_text(m.subject, m.body), q.phrase) > 0)""");

  static final String SEARCH_SHORT = SEARCH_TEMPLATE.formatted("""
      EXISTS (SELECT 1 FROM message m
               WHERE m.case_id = c.id AND (m.direction = 'in' OR m.staff_id IS NOT NULL)
                 AND strpos(kurashi_search_text(m.subject, m.body), q.phrase) > 0)""");

  /** $1 office, $2 status: how many cases of each urgency, for the queue's counts whatever page is shown. */
  static final String COUNTS = """
      SELECT c.urgency, count(*) AS n FROM consultation_case c
       WHERE c.office_id = $1 AND c.status = $2 AND c.erased_at IS NULL GROUP BY c.urgency
      """;

  /** $1 office, $2 status, $3 today (Tokyo): how many cases have their follow-up day today or before. */
  static final String FOLLOW_UPS_DUE = """
      SELECT count(*) AS n FROM consultation_case c
       WHERE c.office_id = $1 AND c.status = $2 AND c.erased_at IS NULL AND c.follow_up_on <= $3::date
      """;

  /** $1 case. */
  static final String SUMMARY = "SELECT " + SUMMARY_COLUMNS + ", c.office_id, c.contact_id, k.display_name AS contact_name"
      + " FROM consultation_case c JOIN contact k ON k.id = c.contact_id WHERE c.id = $1";

  /**
   * $1 case. The case and every other case of the same resident (contacts linked by staff), each with
   * what an access check needs; the caller decides which of them may be shown.
   */
  static final String THREAD = "SELECT " + SUMMARY_COLUMNS + ", c.office_id, c.contact_id, k.display_name AS contact_name"
      + """
       FROM consultation_case c JOIN contact k ON k.id = c.contact_id
      WHERE c.id = $1
         OR (k.resident_id IS NOT NULL AND k.resident_id =
             (SELECT k1.resident_id FROM consultation_case c1 JOIN contact k1 ON k1.id = c1.contact_id WHERE c1.id = $1))
      ORDER BY c.id
      """;

  /** $1 array of case ids (only those the caller may read), $2 only messages after this id (0: all). */
  static final String ATTACHMENTS = """
      SELECT a.id, a.message_id, a.content_type, a.file_name, a.size_bytes
        FROM attachment a JOIN message m ON m.id = a.message_id
       WHERE m.case_id = ANY($1) AND m.id > $2 ORDER BY a.id
      """;

  /** $1 case, $2 attachment. */
  static final String ATTACHMENT_DATA = """
      SELECT a.content_type, a.file_name, a.data
        FROM attachment a JOIN message m ON m.id = a.message_id
       WHERE m.case_id = $1 AND a.id = $2
      """;

  /**
   * $1 array of case ids (only those the caller may read): their messages as one thread across channels; $2 only
   * those after this id (0: all).
   */
  static final String MESSAGES = """
      SELECT id, case_id, direction, channel, subject, body, created_at, delivery, delivery_error, staff_id, unsent_at,
             sender_unverified
        FROM message WHERE case_id = ANY($1) AND id > $2
       ORDER BY created_at, id
      """;
}
