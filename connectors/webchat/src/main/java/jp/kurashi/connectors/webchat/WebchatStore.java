package jp.kurashi.connectors.webchat;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Web chat sessions (token hash to contact) and the conversation a reconnecting chat replays.
 */
public final class WebchatStore {

  private final Pool pool;

  public WebchatStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> create(long officeId, String tokenHash, String contactRef, String language, Instant now) {
    return pool.preparedQuery(WebchatSql.CREATE)
        .execute(Tuple.of(officeId, tokenHash, contactRef, language, utc(now)))
        .mapEmpty();
  }

  /**
   * The live session holding this token hash, if any, marked as used at {@code now}. A revoked session, or one
   * not used for {@code idle}, is not found: its token is as good as unknown.
   */
  public Future<Optional<ChatSession>> byTokenHash(String tokenHash, Instant now, Duration idle) {
    return pool.preparedQuery(WebchatSql.BY_TOKEN)
        .execute(Tuple.of(tokenHash, utc(now), utc(now.minus(idle)))).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      OffsetDateTime consent = row.getOffsetDateTime("consent_at");
      return Optional.of(new ChatSession(row.getLong("id"), row.getLong("office_id"), row.getString("contact_ref"),
          row.getString("language"), row.getLong("contact_id"), consent == null ? null : consent.toInstant(), tokenHash));
    });
  }

  /**
   * Ends the session holding this token hash at {@code now}; ending it again changes nothing. The session when the
   * token was ever issued (revoked or expired included), else empty.
   */
  public Future<Optional<SessionChat>> revoke(String tokenHash, Instant now) {
    return pool.preparedQuery(WebchatSql.REVOKE).execute(Tuple.of(tokenHash, utc(now))).map(WebchatStore::sessionChat);
  }

  private static Optional<SessionChat> sessionChat(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(new SessionChat(row.getLong("id"), row.getLong("office_id"), row.getLong("contact_id")));
  }

  /**
   * Gives the session, as this token hash opened it, a new resume code (its hash) in place of any earlier one; false when
   * the session was ended or moved to another token meanwhile.
   */
  public Future<Boolean> setResumeCode(ChatSession session, String codeHash) {
    return pool.preparedQuery(WebchatSql.SET_RESUME_CODE)
        .execute(Tuple.of(session.id(), session.tokenHash(), codeHash))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Moves the live session of this office whose resume code hashes to {@code codeHash} to a new token (its hash), and
   * leaves {@code note} in its chat's latest case: the chat it moved, else empty (no such code, or its chat ended or
   * idle past {@code idle}).
   */
  public Future<Optional<MovedChat>> resume(String codeHash, String newTokenHash, long officeId, Instant now,
                                            Duration idle, String note) {
    return pool.preparedQuery(WebchatSql.RESUME)
        .execute(Tuple.of(codeHash, newTokenHash, utc(now), utc(now.minus(idle)), officeId, note)).map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new MovedChat(row.getLong("id"), row.getLong("office_id"), row.getLong("contact_id"),
              row.getLong("case_id"), row.getLong("note_id")));
        });
  }

  /** A chat moved to a new token: its session, office and contact, and the note left in its case (null without one). */
  public record MovedChat(long sessionId, long officeId, Long contactId, Long caseId, Long noteId) {
  }

  /** Whether the session still has this token: false once a resume code moved it to another (or it is gone). */
  public Future<Boolean> holdsToken(long sessionId, String tokenHash) {
    return pool.preparedQuery(WebchatSql.HOLDS_TOKEN).execute(Tuple.of(sessionId, tokenHash))
        .map(rows -> rows.size() > 0);
  }

  /** A chat's session and office, and its contact ({@code null} before the chat had one): one ended, or resumed. */
  public record SessionChat(long sessionId, long officeId, Long contactId) {
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** Whether the chat's token still opens it at {@code now}, by {@link #byTokenHash}'s rule; not marked as used. */
  public Future<SessionState> state(String contactRef, Instant now, Duration idle) {
    return pool.preparedQuery(WebchatSql.STATE_BY_CONTACT).execute(Tuple.of(contactRef, utc(now.minus(idle))))
        .map(rows -> rows.size() == 0 ? SessionState.NONE
            : SessionState.valueOf(rows.iterator().next().getString("state")));
  }

  /**
   * Messages of the chat the client may not have after seeing {@code afterId}: a larger id, or shown within
   * {@code overlap} before that one was. Oldest first, at most {@code limit}, each with an id above {@code from} (the
   * last of the batch before; 0 at first).
   */
  public Future<List<ChatLine>> conversation(String contactRef, long afterId, Duration overlap, long from, int limit) {
    return pool.preparedQuery(WebchatSql.CONVERSATION)
        .execute(Tuple.of(contactRef, afterId, (long) limit, (double) overlap.toSeconds(), from))
        .map(WebchatStore::lines);
  }

  /** One message, if it belongs to this contact's chat. */
  public Future<Optional<ChatLine>> line(long messageId, long contactId) {
    return pool.preparedQuery(WebchatSql.MESSAGE).execute(Tuple.of(messageId, contactId))
        .map(rows -> lines(rows).stream().findFirst());
  }

  private static List<ChatLine> lines(RowSet<Row> rows) {
    List<ChatLine> lines = new ArrayList<>(rows.size());
    for (Row row : rows) {
      String from = "in".equals(row.getString("direction")) ? "resident"
          : row.getLong("staff_id") == null ? "system" : "staff";
      lines.add(new ChatLine(row.getLong("id"), from, row.getString("body"),
          row.getOffsetDateTime("created_at").toInstant(), row.getBoolean("has_attachment")));
    }
    return lines;
  }

  /**
   * A chat session, as the token hash {@code tokenHash} opened it; {@code contactId} and {@code consentAt} are
   * {@code null} until consent.
   */
  public record ChatSession(long id, long officeId, String contactRef, String language, Long contactId,
                            Instant consentAt, String tokenHash) {
  }

  /** A chat's session: LIVE can be read; ENDED by the resident; IDLE past the idle limit; NONE never existed. */
  public enum SessionState { LIVE, ENDED, IDLE, NONE }

  /** One line of the chat as the resident sees it; {@code from} is resident, staff or system. */
  public record ChatLine(long id, String from, String text, Instant at, boolean hasAttachment) {
  }
}
