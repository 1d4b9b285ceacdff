package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Staff corrections read back as labelled messages, to retrain triage: the text the resident wrote in the
 * case up to the correction, with the categories and urgency staff set. Read page by page, so an export
 * of any size holds one page in memory.
 *
 * <pre>{@code
 * store.scope(officeId, null).compose(scope -> store.page(scope, 0, 200))  // then page(scope, last id, 200)...
 * }</pre>
 */
public final class TriageCorrectionStore {

  private final Pool pool;

  public TriageCorrectionStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * What one export covers: the corrections up to {@code upToId} (so corrections made while it runs do not
   * change it), how many lines that gives, and the cases whose residents' words they carry (for the audit log).
   */
  public record Scope(long officeId, Instant since, long upToId, long lines, List<Long> caseIds) {
  }

  /** One correction as a labelled message; {@code text} joins the judged messages with line breaks. */
  public record CorrectedMessage(long correctionId, String text, List<String> categories, String urgency) {
  }

  /** Fixes an export's scope: the office's corrections made since {@code since} (null: all). */
  public Future<Scope> scope(long officeId, Instant since) {
    return pool.preparedQuery(TriageCorrectionSql.SCOPE).execute(Tuple.of(officeId, utc(since))).map(rows -> {
      Row row = rows.iterator().next();
      return new Scope(officeId, since, row.getLong("up_to"), row.getLong("lines"),
          List.of(row.getArrayOfLongs("case_ids")));
    });
  }

  /** Up to {@code limit} lines after correction {@code afterId}, in id order; fewer than the limit means the end. */
  public Future<List<CorrectedMessage>> page(Scope scope, long afterId, int limit) {
    return pool.preparedQuery(TriageCorrectionSql.PAGE)
        .execute(Tuple.of(scope.officeId(), utc(scope.since()), scope.upToId(), afterId, limit)).map(rows -> {
          List<CorrectedMessage> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(new CorrectedMessage(row.getLong("id"), row.getString("text"),
                List.of(row.getArrayOfStrings("categories")), row.getString("urgency")));
          }
          return out;
        });
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
