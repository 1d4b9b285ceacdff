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
 * {@code MAIL_RAW_KEEP_DAYS} (the row stays, so a re-fetched UID is still ignored).
 *
 * @param rawKeep {@code MAIL_RAW_KEEP_DAYS}: how long a handled mail's raw bytes are kept
 */
public record MailRetentionStore(Duration rawKeep) implements ChannelRetention {

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
    return client.preparedQuery(MailSql.DROP_RAW).execute(Tuple.of(utc(now.minus(rawKeep)), (long) limit))
        .map(RowSet::rowCount);
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
