package jp.kurashi.core.store;

/** SQL for the outbox: claiming due rows and recording what the channel said. */
final class OutboxSql {

  private OutboxSql() {
  }

  /**
   * Outbox row {@code o} of message {@code m} may go now: an automatic message always (arriving now matters more for
   * it than arriving in order), a staff reply once no earlier row to the same contact is pending.
   */
  private static final String ITS_TURN = " (m.staff_id IS NULL OR NOT EXISTS (SELECT 1 FROM message earlier "
      + "JOIN outbox eo ON eo.message_id = earlier.id "
      + "WHERE earlier.contact_id = m.contact_id AND eo.status = 'pending' AND eo.id < o.id)) ";

  /**
   * Claims due rows for this worker: SKIP LOCKED keeps concurrent workers (on any instance) apart,
   * and moving next_attempt_at forward by the lease hides the row from them until the attempt
   * is recorded, or until the lease runs out if this worker dies.
   *
   * <p>Only rows of an (office, channel) this worker has a connector for: a row it cannot send would otherwise be
   * claimed and failed for good (an instance started with an older offices file fails another office's replies,
   * safety messages included), while the instance that can send it would have sent it.
   *
   * <p>A resident's staff replies go one at a time, in the order they were queued: one waits while an earlier row to
   * the same contact is pending (being sent, or waiting for its retry), so a reply that failed for a moment cannot
   * arrive after the one written after it, and two in one batch are never sent side by side. Automatic messages (the
   * safety message among them) wait for nothing: arriving now matters more for them than arriving in order.
   *
   * <p>$1 office ids (NULL: every office) and $2 channels of the worker's connectors, $3 each one's lease seconds
   * (a channel's rows get its longest, as that covers its slowest send), $4 how many, $5 worker id, $6 each one's
   * retry key life in seconds (NULL: the channel keeps none)
   */
  static final String CLAIM = """
      WITH can AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $6::float8[])
                   AS c(office_id, channel, lease_secs, key_life_secs)
      ), due AS (
        SELECT o.id FROM outbox o
          JOIN message m ON m.id = o.message_id
          JOIN consultation_case cc ON cc.id = m.case_id
         WHERE o.status = 'pending' AND o.next_attempt_at <= now()
           AND EXISTS (SELECT 1 FROM can WHERE can.channel = o.channel
                                          AND (can.office_id IS NULL OR can.office_id = cc.office_id))
           AND """ + ITS_TURN + """
         ORDER BY o.next_attempt_at, o.id
         LIMIT $4
         FOR UPDATE OF o SKIP LOCKED
      ), claimed AS (
        UPDATE outbox o
           SET attempts = o.attempts + 1, claimed_by = $5,
               -- from the first attempt on: how long the channel keeps dropping a repeat of the key
               key_expires_at = COALESCE(o.key_expires_at, now() + make_interval(secs => (
                   SELECT max(can.key_life_secs) FROM can WHERE can.channel = o.channel))),
               -- still claimed: the last attempt never said how it ended (its gateway died mid-send)
               may_have_arrived = o.may_have_arrived OR o.claimed_by IS NOT NULL,
               next_attempt_at = now() + make_interval(secs => (SELECT max(can.lease_secs) FROM can
                                                                 WHERE can.channel = o.channel)),
               updated_at = now()
          FROM due WHERE o.id = due.id
        RETURNING o.id, o.message_id, o.channel, o.idempotency_key, o.attempts, o.may_have_arrived,
                  COALESCE(o.key_expires_at <= now(), false) AS key_expired
      )
      SELECT cl.id, cl.message_id, cl.channel, cl.idempotency_key, cl.attempts, cl.may_have_arrived, cl.key_expired,
             m.case_id, m.body, m.contact_id, k.external_id AS contact_ref, cc.office_id,
             m.staff_id IS NULL AS automatic, k.reachable
        FROM claimed cl
        JOIN message m ON m.id = cl.message_id
        JOIN contact k ON k.id = m.contact_id
        JOIN consultation_case cc ON cc.id = m.case_id
      """;

  /**
   * Seconds the longest-waiting due reply has waited past its time (0 when none waits): a channel that is down, or a
   * reply no instance can send (its office's channel not set up anywhere), shows as a number that only grows. A reply
   * waiting its turn behind an earlier one to the same resident is not counted: the earlier one is.
   */
  static final String OLDEST_DUE = """
      SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(o.next_attempt_at)), 0)::bigint
        FROM outbox o JOIN message m ON m.id = o.message_id
       WHERE o.status = 'pending' AND o.next_attempt_at <= now()
         AND """ + ITS_TURN;

  /**
   * $1 seconds, $2 reason. Replies due for longer than $1 that no worker has taken since (a claim moves the due time
   * past the lease: a channel no instance has set up for their office any more, tried before or not, or a backlog that
   * deep) get $2 as their delivery error, once, so staff see why the reply still waits; they stay queued, and the
   * reason goes when one is sent or tried. The message's own state is checked too, since the outbox row was read
   * before a send that committed meanwhile. A reply waiting its turn behind an earlier one to the same resident is not
   * untaken: the earlier one is. Returns what a live event about each needs.
   */
  static final String NOTE_UNTAKEN = """
      UPDATE message m SET delivery_error = $2
        FROM outbox o, consultation_case cc
       WHERE o.message_id = m.id AND cc.id = m.case_id AND o.status = 'pending'
         AND o.next_attempt_at < now() - make_interval(secs => $1)
         AND m.delivery = 'queued' AND m.delivery_error IS DISTINCT FROM $2
         AND """ + ITS_TURN + """
      RETURNING m.id, m.case_id, m.contact_id, m.channel, cc.office_id
      """;

  /** $1 outbox id, $2 attempt that claimed it, $3 channel's id for the sent message. */
  static final String MARK_SENT = """
      WITH done AS (
        UPDATE outbox SET status = 'sent', last_error = NULL, claimed_by = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING message_id
      )
      UPDATE message m
         SET delivery = 'sent', delivered_at = now(), shown_at = now(), delivery_error = NULL,
             external_id = COALESCE($3, m.external_id)
        FROM done WHERE m.id = done.message_id
      RETURNING m.id
      """;

  /** $1 outbox id, $2 attempt, $3 delay seconds, $4 reason, $5 whether the channel may have taken this attempt. */
  static final String MARK_RETRY = """
      WITH later AS (
        UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4,
                          may_have_arrived = may_have_arrived OR $5, claimed_by = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING message_id
      )
      UPDATE message m SET delivery_error = $4 FROM later WHERE m.id = later.message_id
      RETURNING m.id
      """;

  /**
   * $1 outbox id, $2 attempt, $3 reason, $4 whether the channel may have taken this attempt, $5 whether a resend must
   * be confirmed by staff (the channel's retry key has expired on a reply that may have arrived).
   */
  static final String MARK_FAILED = """
      WITH dead AS (
        UPDATE outbox SET status = 'failed', last_error = $3, may_have_arrived = may_have_arrived OR $4,
                          awaits_confirmation = $5, claimed_by = NULL, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING message_id
      )
      UPDATE message m SET delivery = 'failed', delivery_error = $3 FROM dead WHERE m.id = dead.message_id
      RETURNING m.id
      """;
}
