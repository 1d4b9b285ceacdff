package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.channel.ChannelRetention;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What retention erases of the email channel's tables: the raw mails of erased cases (in their transaction), handled
 * mails that became no message once past retention, and every handled mail's raw bytes after
 * {@code MAIL_RAW_KEEP_DAYS} (the row stays, so a re-fetched UID is still ignored). The hashes of erased mails are
 * kept while the mail may still be on the server: for good, unless {@code MAIL_SERVER_KEEP_DAYS} deletes it there.
 *
 * @param rawKeep    {@code MAIL_RAW_KEEP_DAYS}: how long a handled mail's raw bytes are kept
 * @param serverKeep {@code MAIL_SERVER_KEEP_DAYS}, or {@code null} when mail stays on the server
 */
public record MailRetentionStore(Duration rawKeep, Duration serverKeep) implements ChannelRetention {

  /**
   * After {@code MAIL_SERVER_KEEP_DAYS} and this margin from its erasure a mail has left the server (it arrived
   * before it was erased, and the poller deletes hourly), so its hash can go. The margin covers a day of failed deletions.
   */
  static final Duration SERVER_MARGIN = Duration.ofDays(1);

  /** The shipped keep period of raw mails, in days. */
  public static final int DEFAULT_RAW_KEEP_DAYS = 30;

  @Override
  public Future<Integer> eraseWithCases(SqlConnection conn, Long[] caseIds) {
    return conn.preparedQuery(MailSql.REMEMBER_ERASED).execute(Tuple.of((Object) caseIds))
        .compose(v -> conn.preparedQuery(MailSql.DELETE_CASES_MAILS).execute(Tuple.of((Object) caseIds)))
        .map(RowSet::rowCount);
  }

  @Override
  public Future<Integer> eraseLeftovers(SqlConnection conn, Instant before, int limit) {
    return conn.preparedQuery(MailSql.STALE_MAILS).execute(Tuple.of(utc(before), (long) limit)).map(RowSet::rowCount);
  }

  @Override
  public Future<Integer> prune(SqlClient client, Instant now, int limit) {
    Future<Integer> raw = client.preparedQuery(MailSql.DROP_RAW).execute(Tuple.of(utc(now.minus(rawKeep)), (long) limit))
        .map(RowSet::rowCount);
    if (serverKeep == null) {
      return raw;
    }
    Instant gone = now.minus(serverKeep).minus(SERVER_MARGIN);
    return raw.compose(dropped -> client.preparedQuery(MailSql.FORGET_ERASED)
        .execute(Tuple.of(utc(gone), (long) limit)).map(rows -> dropped + rows.rowCount()));
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
