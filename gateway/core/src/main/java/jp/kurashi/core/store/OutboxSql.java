package jp.kurashi.core.store;

/** SQL for the outbox: claiming due rows and recording what the channel said. */
final class OutboxSql {

  private OutboxSql() {
  }

  /**
   * Claims due rows for this worker: SKIP LOCKED keeps concurrent workers (on any instance) apart,
   * and moving next_attempt_at forward by the lease hides the row from them until the attempt
   * is recorded, or until the lease runs out if this worker dies.
   *
   * <p>$1 channels this worker can send on, $2 how many, $3 worker id, $4 lease seconds
   */
  static final String CLAIM = """
      WITH due AS (
        SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= now() AND channel = ANY($1)
         ORDER BY next_attempt_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE outbox o
           SET attempts = o.attempts + 1, claimed_by = $3,
               next_attempt_at = now() + make_interval(secs => $4), updated_at = now()
          FROM due WHERE o.id = due.id
        RETURNING o.id, o.message_id, o.channel, o.idempotency_key, o.attempts
      )
      SELECT cl.id, cl.message_id, cl.channel, cl.idempotency_key, cl.attempts,
             m.case_id, m.body, m.contact_id, k.external_id AS contact_ref, cc.office_id,
             m.staff_id IS NULL AS automatic
        FROM claimed cl
        JOIN message m ON m.id = cl.message_id
        JOIN contact k ON k.id = m.contact_id
        JOIN consultation_case cc ON cc.id = m.case_id
      """;

  /** $1 outbox id, $2 attempt that claimed it, $3 channel's id for the sent message. */
  static final String MARK_SENT = """
      WITH done AS (
        UPDATE outbox SET status = 'sent', last_error = NULL, claimed_by = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING message_id
      )
      UPDATE message m
         SET delivery = 'sent', delivered_at = now(), delivery_error = NULL,
             external_id = COALESCE($3, m.external_id)
        FROM done WHERE m.id = done.message_id
      RETURNING m.id
      """;

  /** $1 outbox id, $2 attempt, $3 delay seconds, $4 reason. */
  static final String MARK_RETRY = """
      WITH later AS (
        UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4,
                          claimed_by = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING message_id
      )
      UPDATE message m SET delivery_error = $4 FROM later WHERE m.id = later.message_id
      RETURNING m.id
      """;

  /** $1 outbox id, $2 attempt, $3 reason. */
  static final String MARK_FAILED = """
      WITH dead AS (
        UPDATE outbox SET status = 'failed', last_error = $3, claimed_by = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING message_id
      )
      UPDATE message m SET delivery = 'failed', delivery_error = $3 FROM dead WHERE m.id = dead.message_id
      RETURNING m.id
      """;
}
