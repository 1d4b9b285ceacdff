package jp.kurashi.core.channel;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.time.Instant;
import java.util.List;

/**
 * What a channel's own tables give up to the retention job (core erases only core's tables). Every method answers
 * with the number of rows it erased; the first three run on the connection of a transaction core holds, so a
 * channel's rows go in the same commit as the case or contact they belong to, or not at all.
 *
 * <pre>{@code
 * public Optional<ChannelRetention> retention(ConfigSource settings) {
 *   return Optional.of(new SmsRetentionStore());   // a *Store: it holds the channel's retention SQL
 * }
 * }</pre>
 */
public interface ChannelRetention {

  /**
   * In the transaction erasing a batch of closed cases, before their messages are deleted: the channel's rows that
   * belong to those cases' messages (a raw mail). {@code caseIds} is the batch's cases.
   */
  default Future<Integer> eraseWithCases(SqlConnection conn, Long[] caseIds) {
    return Future.succeededFuture(0);
  }

  /**
   * In the same transaction, after contacts left without cases or messages were deleted: the channel's rows behind
   * them (a web chat session). {@code externalIds} are the deleted contacts of this channel, never empty.
   */
  default Future<Integer> eraseWithContacts(SqlConnection conn, List<String> externalIds) {
    return Future.succeededFuture(0);
  }

  /**
   * In the leftovers' transaction: at most {@code limit} rows unseen since {@code before} that belong to no contact
   * or message any more (a chat that never wrote, a bounce that became no message).
   */
  default Future<Integer> eraseLeftovers(SqlConnection conn, Instant before, int limit) {
    return Future.succeededFuture(0);
  }

  /**
   * The channel's own keep period, one batch of at most {@code limit} rows (called again while a batch comes back
   * full): e.g. raw mails' bytes after {@code MAIL_RAW_KEEP_DAYS}. {@code now} is the gateway's clock.
   */
  default Future<Integer> prune(SqlClient client, Instant now, int limit) {
    return Future.succeededFuture(0);
  }
}
