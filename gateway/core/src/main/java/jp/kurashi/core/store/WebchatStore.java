package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
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

  public Future<Void> create(long officeId, String tokenHash, String contactRef, String language) {
    return pool.preparedQuery(WebchatSql.CREATE).execute(Tuple.of(officeId, tokenHash, contactRef, language))
        .mapEmpty();
  }

  /** The session holding this token hash, if any. */
  public Future<Optional<ChatSession>> byTokenHash(String tokenHash) {
    return pool.preparedQuery(WebchatSql.BY_TOKEN).execute(Tuple.of(tokenHash)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      OffsetDateTime consent = row.getOffsetDateTime("consent_at");
      return Optional.of(new ChatSession(row.getLong("id"), row.getLong("office_id"), row.getString("contact_ref"),
          row.getString("language"), row.getLong("contact_id"), consent == null ? null : consent.toInstant()));
    });
  }

  public Future<Boolean> exists(String contactRef) {
    return pool.preparedQuery(WebchatSql.EXISTS_BY_CONTACT).execute(Tuple.of(contactRef)).map(rows -> rows.size() > 0);
  }

  /** Messages of the chat with an id above {@code afterId}, oldest first, at most {@code limit}. */
  public Future<List<ChatLine>> conversation(String contactRef, long afterId, int limit) {
    return pool.preparedQuery(WebchatSql.CONVERSATION).execute(Tuple.of(contactRef, afterId, (long) limit))
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

  /** A chat session; {@code contactId} and {@code consentAt} are {@code null} until consent. */
  public record ChatSession(long id, long officeId, String contactRef, String language, Long contactId,
                            Instant consentAt) {
  }

  /** One line of the chat as the resident sees it; {@code from} is resident, staff or system. */
  public record ChatLine(long id, String from, String text, Instant at, boolean hasAttachment) {
  }
}
