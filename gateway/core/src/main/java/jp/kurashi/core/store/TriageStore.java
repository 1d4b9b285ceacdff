package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;

/**
 * Triage results per message and their effect on the case, staff corrections, and the rules file in force.
 */
public final class TriageStore {

  private final Pool pool;
  private final Clock clock;

  public TriageStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  /**
   * Stores a message's result and updates its case; completes with false when the message had a result already (the
   * sweep resuming it), which stays as it was. {@code answerOwed}: the message may call for an automatic answer, which
   * {@link #answerDecided} confirms once it is queued or found not owed; until then the after-commit sweep comes back
   * to the message.
   */
  public Future<Boolean> record(long messageId, long caseId, Collection<String> categories, String urgency,
                                JsonArray matched, boolean answerOwed) {
    return pool.preparedQuery(TriageSql.RECORD)
        .execute(Tuple.of(messageId, caseId, categories.toArray(String[]::new), urgency, matched, answerOwed))
        .map(rows -> rows.size() > 0);
  }

  /** The message's automatic answer is queued, or was found not owed: it is finished. */
  public Future<Void> answerDecided(long messageId) {
    return pool.preparedQuery(TriageSql.NOTICE_DECIDED).execute(Tuple.of(messageId)).mapEmpty();
  }

  /** Sets the case's categories and urgency as staff decided, keeping what triage had said. */
  public Future<Boolean> correct(long caseId, long staffId, Collection<String> categories, String urgency) {
    return pool.preparedQuery(TriageSql.CORRECT)
        .execute(Tuple.of(caseId, staffId, categories.toArray(String[]::new), urgency, now()))
        .map(rows -> rows.size() > 0);
  }

  /** Which words triggered which category, message by message. */
  public Future<JsonArray> results(long caseId) {
    return pool.preparedQuery(TriageSql.RESULTS).execute(Tuple.of(caseId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row row : rows) {
        out.add(new JsonObject().put("messageId", row.getLong("message_id"))
            .put("categories", new JsonArray(java.util.List.of(row.getArrayOfStrings("categories"))))
            .put("urgency", row.getString("urgency"))
            .put("matched", row.getValue("matched")));
      }
      return out;
    });
  }

  /** The newest saved rules file: {id, content}, or empty when the bundled rules are in force. */
  public Future<Optional<SavedRules>> latestRules() {
    return pool.query(TriageSql.LATEST_RULES).execute().map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(new SavedRules(rows.iterator().next().getLong("id"), rows.iterator().next().getString("content"))));
  }

  public Future<Long> saveRules(String content, long staffId) {
    return pool.preparedQuery(TriageSql.SAVE_RULES).execute(Tuple.of(content, staffId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A rules file as saved. */
  public record SavedRules(long id, String content) {
  }
}
