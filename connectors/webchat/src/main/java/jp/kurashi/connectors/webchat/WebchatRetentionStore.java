package jp.kurashi.connectors.webchat;

import io.vertx.core.Future;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.channel.ChannelRetention;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What retention erases of web chat's table: a chat's sessions (token hashes) go with its contact, in the same
 * transaction, and a session whose chat never became a contact goes once unseen past retention.
 */
public final class WebchatRetentionStore implements ChannelRetention {

  @Override
  public Future<Integer> eraseWithContacts(SqlConnection conn, List<String> contactRefs) {
    return conn.preparedQuery(WebchatSql.DELETE_CONTACTS_SESSIONS)
        .execute(Tuple.of((Object) contactRefs.toArray(String[]::new))).map(RowSet::rowCount);
  }

  @Override
  public Future<Integer> eraseLeftovers(SqlConnection conn, Instant before, int limit) {
    return conn.preparedQuery(WebchatSql.STALE_SESSIONS).execute(Tuple.of(before.atOffset(ZoneOffset.UTC), (long) limit))
        .map(RowSet::rowCount);
  }
}
