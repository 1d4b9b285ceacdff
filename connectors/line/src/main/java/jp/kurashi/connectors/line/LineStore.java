package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What only LINE stores, for one office's LINE channel: a contact's one-use reply token, the webhook events already seen,
 * and the residents' media files still to fetch.
 */
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

  /** Remembers that the resident took back a message not stored (yet), so its redelivery is not stored either. */
  public Future<Void> unsentEarly(String userId, String lineMessageId) {
    return pool.preparedQuery(LineSql.UNSENT_EARLY).execute(Tuple.of(officeId, userId, lineMessageId)).mapEmpty();
  }

  /** Which of these (user id, LINE message id) pairs the resident took back before they were stored, as "user/id". */
  public Future<java.util.Set<String>> wereUnsentEarly(java.util.List<String> userIds, java.util.List<String> messageIds) {
    return pool.preparedQuery(LineSql.WAS_UNSENT_EARLY)
        .execute(Tuple.of(officeId, userIds.toArray(String[]::new), messageIds.toArray(String[]::new)))
        .map(rows -> {
          java.util.Set<String> out = new java.util.HashSet<>();
          rows.forEach(r -> out.add(r.getString(0) + "/" + r.getString(1)));
          return out;
        });
  }

  /** Records the event as handled: true the first time, false when another delivery of it recorded it first. */
  public Future<Boolean> firstDelivery(String channel, String eventId) {
    return pool.preparedQuery(LineSql.FIRST_DELIVERY).execute(Tuple.of(channel, eventId))
        .map(rows -> rows.size() > 0);
  }

  /**
   * A resident's media file still to be fetched from LINE into message {@code messageId}.
   *
   * @param kind {@code image}, {@code video}, {@code audio} or {@code file}: LINE prepares a video or voice message
   *             before it can be fetched
   */
  public record PendingMedia(long messageId, String lineMessageId, String kind, String fileName, int attempts) {

    /** A video or voice message, which LINE may still be preparing. */
    boolean transcoded() {
      return "video".equals(kind) || "audio".equals(kind);
    }
  }

  /**
   * Records media to fetch, right after their messages' commit and before LINE gets its 200; those of a redelivery
   * are already recorded.
   * A retry takes them only after {@code firstTryTime}, the time the fetch right after the 200 has.
   */
  public Future<Void> mediaAwaited(List<PendingMedia> media, Duration firstTryTime) {
    if (media.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] ids = media.stream().map(PendingMedia::messageId).toArray(Long[]::new);
    String[] lineIds = media.stream().map(PendingMedia::lineMessageId).toArray(String[]::new);
    String[] kinds = media.stream().map(PendingMedia::kind).toArray(String[]::new);
    String[] names = media.stream().map(PendingMedia::fileName).toArray(String[]::new);
    return pool.preparedQuery(LineSql.MEDIA_AWAITED)
        .execute(Tuple.of(ids, lineIds, kinds, names, firstTryTime.toMillis()))
        .mapEmpty();
  }

  /**
   * Forgets the media of a message its sender took back (the file name is theirs too), and deletes a file a fetch
   * stored while the unsend waited for it. Run after the unsend's commit.
   */
  public Future<Void> forgetMedia(long messageId) {
    return pool.preparedQuery(LineSql.MEDIA_FORGOTTEN).execute(Tuple.of(messageId)).mapEmpty();
  }

  /** Up to {@code limit} of this office's media due for another attempt, each held for {@code lease}. */
  public Future<List<PendingMedia>> dueMedia(int limit, Duration lease) {
    return pool.preparedQuery(LineSql.MEDIA_DUE).execute(Tuple.of(officeId, limit, lease.toMillis())).map(rows -> {
      List<PendingMedia> out = new ArrayList<>();
      for (Row row : rows) {
        out.add(new PendingMedia(row.getLong("message_id"), row.getString("line_message_id"), row.getString("kind"),
            row.getString("file_name"), row.getInteger("attempts")));
      }
      return out;
    });
  }

  /**
   * Counts a retry's taking of the media, right before its fetch: {@link Taking#FETCH} to go on, {@link Taking#GIVEN_UP}
   * when it was taken {@code takingsAllowed} times already without being stored, {@link Taking#GONE} when it is no
   * longer pending (stored, given up, or forgotten after an unsend, meanwhile).
   */
  public Future<Taking> mediaTaken(long messageId, int takingsAllowed) {
    return pool.preparedQuery(LineSql.MEDIA_TAKEN).execute(Tuple.of(messageId, takingsAllowed))
        .map(rows -> rows.size() == 0 ? Taking.GONE
            : "pending".equals(rows.iterator().next().getString(0)) ? Taking.FETCH : Taking.GIVEN_UP);
  }

  /** What a retry may do with media it took. */
  public enum Taking { FETCH, GIVEN_UP, GONE }

  /**
   * Stores the fetched file with its message: the message's case and contact, or empty when it was stored already or
   * the message was taken back.
   */
  public Future<Optional<StoredMedia>> mediaStored(long messageId, String contentType, String fileName, byte[] data) {
    return pool.preparedQuery(LineSql.MEDIA_STORED)
        .execute(Tuple.of(messageId, contentType, fileName, data.length, Buffer.buffer(data)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<StoredMedia>empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new StoredMedia(row.getLong("case_id"), row.getLong("contact_id")));
        });
  }

  /** Where a media file was stored: its message's case and contact. */
  public record StoredMedia(long caseId, long contactId) {
  }

  /**
   * Records a failed fetch of message {@code messageId}'s media: retried later, or given up when {@code last} or out of
   * attempts, and then {@code note} left for staff in its open case. Empty when not given up (or no longer pending).
   *
   * @param reason why, in LINE's words or an error class; nothing the resident sent
   */
  public Future<Optional<GivenUp>> mediaFailed(long messageId, String reason, boolean last, int attemptsAllowed,
                                                Duration retryIn, String note) {
    return pool.preparedQuery(LineSql.MEDIA_FAILED)
        .execute(Tuple.of(messageId, reason, last, attemptsAllowed, retryIn.toMillis(), note))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<GivenUp>empty();
          }
          Row row = rows.iterator().next();
          return "failed".equals(row.getString("status"))
              ? Optional.of(new GivenUp(row.getLong("note_id"), row.getLong("case_id"), row.getLong("contact_id")))
              : Optional.<GivenUp>empty();
        });
  }

  /** A media file given up: the note left for staff, its case and contact ({@code null}s when no open case held it). */
  public record GivenUp(Long noteId, Long caseId, Long contactId) {
  }
}
