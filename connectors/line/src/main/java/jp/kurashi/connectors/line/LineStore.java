package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** What only LINE stores, for one office's LINE channel: a contact's one-use reply token, and the webhook events already seen. */
public final class LineStore {

  private final Pool pool;
  private final Clock clock;
  private final long officeId;

  /** The store of office {@code officeId}'s LINE contacts (one LINE user writing to two offices is two contacts). */
  public LineStore(Pool pool, Clock clock, long officeId) {
    this.pool = pool;
    this.clock = clock;
    this.officeId = officeId;
  }

  /** The office whose LINE contacts these are. */
  public long officeId() {
    return officeId;
  }

  /** Keeps the contact's latest reply token until it expires. */
  public Future<Void> saveReplyToken(String channel, String contactRef, String token, Instant expiresAt) {
    return pool.preparedQuery(LineSql.SAVE_REPLY_TOKEN)
        .execute(Tuple.of(channel, contactRef, token, expiresAt.atOffset(ZoneOffset.UTC), officeId)).mapEmpty();
  }

  /** The contact's reply token if still valid, removed so nobody uses it twice. */
  public Future<Optional<String>> takeReplyToken(String channel, String contactRef) {
    return pool.preparedQuery(LineSql.TAKE_REPLY_TOKEN)
        .execute(Tuple.of(channel, contactRef, clock.instant().atOffset(ZoneOffset.UTC), officeId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** Whether the event was already handled (a redelivery of it is then only acknowledged). */
  public Future<Boolean> delivered(String channel, String eventId) {
    return pool.preparedQuery(LineSql.DELIVERED).execute(Tuple.of(channel, eventId)).map(rows -> rows.size() > 0);
  }

  /** Records the event as handled: true the first time, false when another delivery of it recorded it first. */
  public Future<Boolean> firstDelivery(String channel, String eventId) {
    return pool.preparedQuery(LineSql.FIRST_DELIVERY).execute(Tuple.of(channel, eventId))
        .map(rows -> rows.size() > 0);
  }
}
