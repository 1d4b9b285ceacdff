package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.OutboundMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox table: claims due replies for a worker and records each attempt's outcome.
 * Each outcome is recorded only if the row is still held by the attempt that claimed it,
 * so a worker whose lease ran out cannot overwrite a newer attempt.
 */
public final class OutboxStore {

  private final Pool pool;

  public OutboxStore(Pool pool) {
    this.pool = pool;
  }

  /** Claims up to {@code limit} due rows that one of {@code routes} can send. */
  public Future<List<ClaimedReply>> claim(List<Route> routes, int limit, String workerId) {
    if (routes.isEmpty() || limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    Long[] offices = routes.stream().map(Route::officeId).toArray(Long[]::new);
    String[] channels = routes.stream().map(Route::channel).toArray(String[]::new);
    Double[] leases = routes.stream().map(r -> r.lease().toMillis() / 1000.0).toArray(Double[]::new);
    Double[] keyLives = routes.stream().map(r -> r.keyLife() == null ? null : r.keyLife().toMillis() / 1000.0)
        .toArray(Double[]::new);
    Tuple params = Tuple.of(offices, channels, leases, (long) limit, workerId, keyLives);
    return pool.preparedQuery(OutboxSql.CLAIM).execute(params).map(rows -> {
      List<ClaimedReply> claimed = new ArrayList<>(rows.size());
      for (Row row : rows) {
        claimed.add(new ClaimedReply(row.getLong("id"), row.getLong("office_id"), row.getLong("contact_id"),
            new OutboundMessage(
            row.getLong("message_id"), row.getLong("case_id"), row.getString("channel"),
            row.getString("contact_ref"), row.getString("body"), row.getUUID("idempotency_key"),
            row.getInteger("attempts"), row.getBoolean("automatic")),
            row.getBoolean("key_expired"), row.getBoolean("may_have_arrived"), row.getBoolean("reachable")));
      }
      return claimed;
    });
  }

  /** Seconds the longest-waiting due reply has waited past its time; 0 when none waits. */
  public Future<Long> oldestDueSeconds() {
    return pool.query(OutboxSql.OLDEST_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Notes {@code reason} on replies due for longer than {@code after} that no worker ever took; each is noted once.
   * The replies noted now.
   */
  public Future<List<Untaken>> noteUntaken(Duration after, String reason) {
    return pool.preparedQuery(OutboxSql.NOTE_UNTAKEN).execute(Tuple.of((double) after.toSeconds(), reason))
        .map(rows -> {
          List<Untaken> noted = new ArrayList<>(rows.size());
          for (Row row : rows) {
            noted.add(new Untaken(row.getLong("id"), row.getLong("case_id"), row.getLong("contact_id"),
                row.getString("channel"), row.getLong("office_id")));
          }
          return noted;
        });
  }

  /** A reply no worker has taken, with what a live event about it names. */
  public record Untaken(long messageId, long caseId, long contactId, String channel, long officeId) {
  }

  /** Records delivery; false when the claim was lost (another attempt owns the row now). */
  public Future<Boolean> markSent(ClaimedReply reply, String externalId) {
    return update(OutboxSql.MARK_SENT, Tuple.of(reply.outboxId(), reply.message().attempt(), externalId));
  }

  /**
   * Schedules the next attempt after {@code delay}, keeping the reason for staff to see; {@code mayHaveArrived}: the
   * channel may have taken this attempt without saying so.
   */
  public Future<Boolean> markRetry(ClaimedReply reply, Duration delay, String reason, boolean mayHaveArrived) {
    double seconds = delay.toMillis() / 1000.0;
    return update(OutboxSql.MARK_RETRY, Tuple.of(reply.outboxId(), reply.message().attempt(), seconds, reason,
        mayHaveArrived));
  }

  /** Gives up: the message shows as failed with the reason; a consultant's 再送 puts it back. */
  public Future<Boolean> markFailed(ClaimedReply reply, String reason, boolean mayHaveArrived) {
    return update(OutboxSql.MARK_FAILED, Tuple.of(reply.outboxId(), reply.message().attempt(), reason,
        mayHaveArrived, false));
  }

  /**
   * Holds a reply that may have arrived and whose retry key its channel has forgotten: failed with the reason, and
   * sent again only when a consultant confirms the resident did not get it (under a new key).
   */
  public Future<Boolean> markAwaitingConfirmation(ClaimedReply reply, String reason) {
    return update(OutboxSql.MARK_FAILED, Tuple.of(reply.outboxId(), reply.message().attempt(), reason, true, true));
  }

  private Future<Boolean> update(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Replies a worker can send: its channel's, of office {@code officeId} or, when {@code null}, of every office;
   * claimed for {@code lease}. {@code keyLife}: how long after a reply's first attempt the channel drops a repeat of
   * its key ({@code null}: it keeps no such window).
   */
  public record Route(Long officeId, String channel, Duration lease, Duration keyLife) {

    /** A route whose channel keeps no retry key window. */
    public Route(Long officeId, String channel, Duration lease) {
      this(officeId, channel, lease, null);
    }
  }

  /**
   * A reply this worker holds the lease on.
   *
   * @param keyExpired     its channel no longer drops a repeat of its retry key (its key life has passed since the
   *                       first attempt)
   * @param mayHaveArrived an earlier attempt may have been taken by the channel without its saying so
   * @param reachable      the resident can still be reached on the channel (false once they blocked the desk's LINE
   *                       account after the reply was queued)
   */
  public record ClaimedReply(long outboxId, long officeId, long contactId, OutboundMessage message, boolean keyExpired,
                             boolean mayHaveArrived, boolean reachable) {
  }
}
