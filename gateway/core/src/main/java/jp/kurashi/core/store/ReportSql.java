package jp.kurashi.core.store;

/**
 * SQL for the monthly report: every figure counted from the case tables, months in Asia/Tokyo. A case erased by
 * retention keeps the row and the handoff rows these count, so a past month's figures do not change.
 * $1 offices (an array: one office, or every office for the combined report), $2 start of the fiscal year (inclusive), $3 its end (exclusive). Merged cases are left out.
 */
final class ReportSql {

  private ReportSql() {
  }

  private static final String MONTH = "to_char(%s AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM')";
  private static final String NEW_CASES = """
      FROM consultation_case c
      WHERE c.office_id = ANY($1) AND c.opened_at >= $2 AND c.opened_at < $3 AND c.merged_into IS NULL
      """;

  static final String BY_CHANNEL = "SELECT " + MONTH.formatted("c.opened_at") + " AS month, c.channel AS k, count(*) AS n "
      + NEW_CASES + " GROUP BY 1, 2";

  static final String BY_URGENCY = "SELECT " + MONTH.formatted("c.opened_at") + " AS month, c.urgency AS k, count(*) AS n "
      + NEW_CASES + " GROUP BY 1, 2";

  static final String BY_CATEGORY = "SELECT " + MONTH.formatted("c.opened_at")
      + " AS month, cat AS k, count(*) AS n FROM consultation_case c CROSS JOIN LATERAL unnest(c.categories) AS cat"
      + " WHERE c.office_id = ANY($1) AND c.opened_at >= $2 AND c.opened_at < $3 AND c.merged_into IS NULL GROUP BY 1, 2";

  static final String BY_CONSULTER = "SELECT " + MONTH.formatted("c.opened_at")
      + " AS month, COALESCE(c.consulter, 'unknown') AS k, count(*) AS n " + NEW_CASES + " GROUP BY 1, 2";

  static final String BY_REFERRAL_SOURCE = "SELECT " + MONTH.formatted("c.opened_at")
      + " AS month, COALESCE(c.referral_source, 'unknown') AS k, count(*) AS n " + NEW_CASES + " GROUP BY 1, 2";

  /** The fiscal year as Tokyo days, for figures recorded by day ($2, $3 as above). */
  private static final String DAYS =
      "($2::timestamptz AT TIME ZONE 'Asia/Tokyo')::date AND %s < ($3::timestamptz AT TIME ZONE 'Asia/Tokyo')::date";

  /** Support milestones by the month they were done in: プラン作成件数, 評価実施件数 and the like. */
  static final String MILESTONES = """
      SELECT to_char(m.done_on, 'YYYY-MM') AS month, m.kind AS k, count(*) AS n
        FROM case_milestone m
       WHERE m.office_id = ANY($1) AND m.done_on >= """ + DAYS.formatted("m.done_on") + " GROUP BY 1, 2";

  /** Complaints received (by the month received) and closed (by the month closed). */
  static final String COMPLAINTS = "SELECT month, k, count(*) AS n FROM (SELECT " + MONTH.formatted("p.received_at")
      + " AS month, 'received' AS k FROM complaint p WHERE p.office_id = ANY($1) AND p.received_at >= $2 AND p.received_at < $3"
      + " UNION ALL SELECT to_char(p.closed_on, 'YYYY-MM'), 'closed' FROM complaint p WHERE p.office_id = ANY($1)"
      + " AND p.closed_on >= " + DAYS.formatted("p.closed_on") + ") x GROUP BY 1, 2";

  /** Contacts staff made (calls, visits, accompanying, agency meetings) by month and kind. */
  static final String FOLLOW_UPS = "SELECT " + MONTH.formatted("l.at") + """
       AS month, l.kind AS k, count(*) AS n
        FROM case_contact_log l
       WHERE l.office_id = ANY($1) AND l.at >= $2 AND l.at < $3
       GROUP BY 1, 2
      """;

  /** Handoffs that named a partner agency, by the agency's name. */
  static final String HANDOFFS_BY_AGENCY = "SELECT " + MONTH.formatted("h.created_at") + """
       AS month, a.name AS k, count(*) AS n
        FROM handoff h JOIN consultation_case c ON c.id = h.case_id JOIN agency a ON a.id = h.agency_id
       WHERE c.office_id = ANY($1) AND h.created_at >= $2 AND h.created_at < $3 AND c.merged_into IS NULL
       GROUP BY 1, 2
      """;

  static final String HANDOFFS = "SELECT " + MONTH.formatted("h.created_at") + """
       AS month, h.kind AS k, count(*) AS n
        FROM handoff h JOIN consultation_case c ON c.id = h.case_id
       WHERE c.office_id = ANY($1) AND h.created_at >= $2 AND h.created_at < $3 AND c.merged_into IS NULL
       GROUP BY 1, 2
      """;

  static final String CLOSED = "SELECT " + MONTH.formatted("c.closed_at") + """
       AS month, COALESCE(c.outcome, 'other') AS k, count(*) AS n
        FROM consultation_case c
       WHERE c.office_id = ANY($1) AND c.closed_at >= $2 AND c.closed_at < $3 AND c.merged_into IS NULL
       GROUP BY 1, 2
      """;

  /**
   * Minutes from opening to the first reply a consultant wrote, per case opened in the year that has one. A case
   * erased by retention has no messages left: it keeps the minutes this same expression gave before erasure.
   */
  private static final String FIRST_RESPONSES = "SELECT month, minutes FROM (SELECT " + MONTH.formatted("c.opened_at") + """
       AS month,
             CASE WHEN c.erased_at IS NOT NULL THEN c.first_response_minutes
                  ELSE EXTRACT(EPOCH FROM (MIN(m.created_at) - c.opened_at)) / 60.0 END AS minutes
        FROM consultation_case c
        LEFT JOIN message m ON m.case_id = c.id AND m.direction = 'out' AND m.staff_id IS NOT NULL
       WHERE c.office_id = ANY($1) AND c.opened_at >= $2 AND c.opened_at < $3 AND c.merged_into IS NULL
       GROUP BY c.id, c.opened_at, c.erased_at, c.first_response_minutes) f WHERE minutes IS NOT NULL
      """;

  static final String MEDIAN_FIRST_RESPONSE = "SELECT month, percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median"
      + " FROM (" + FIRST_RESPONSES + ") r GROUP BY ROLLUP (month)";

  /** Every office, in the order they were created. */
  static final String OFFICES = "SELECT id, code, name FROM office ORDER BY id";

  /**
   * Each office's queue as counts only: open cases, open crisis cases, and those waiting for staff: the resident wrote
   * last (no reply by staff since their latest message). Erased and merged cases are left out, as in the queue.
   */
  static final String QUEUE_COUNTS = """
      SELECT o.id, count(w.id) AS open, count(w.id) FILTER (WHERE w.urgency = 'crisis') AS crisis,
             count(w.id) FILTER (WHERE w.waiting) AS waiting,
             count(w.id) FILTER (WHERE w.waiting AND w.urgency = 'crisis') AS crisis_waiting,
             min(w.last_inbound_at) FILTER (WHERE w.waiting) AS oldest_waiting
        FROM office o
        LEFT JOIN LATERAL (
             SELECT c.id, c.urgency, c.last_inbound_at,
                    c.last_inbound_at IS NOT NULL AND NOT EXISTS (
                      SELECT 1 FROM message m WHERE m.case_id = c.id AND m.direction = 'out' AND m.staff_id IS NOT NULL
                         AND m.created_at >= c.last_inbound_at) AS waiting
               FROM consultation_case c
              WHERE c.office_id = o.id AND c.status = 'open' AND c.erased_at IS NULL AND c.merged_into IS NULL) w ON true
       GROUP BY o.id ORDER BY o.id
      """;
}
