package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Accommodation;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Each case's reasonable accommodation (合理的配慮). */
public final class AccommodationStore {

  private final Pool pool;

  public AccommodationStore(Pool pool) {
    this.pool = pool;
  }

  /** What is recorded for the case; {@link Accommodation#none()} when nothing is. */
  public Future<Accommodation> of(long caseId) {
    return pool.preparedQuery(AccommodationSql.GET).execute(Tuple.of(caseId)).map(AccommodationStore::first);
  }

  /**
   * Replaces what is recorded for the case. A failed {@link NotFoundException} when the case does not exist or was
   * erased, {@link CaseMergedException} when it was merged into another (the accommodation belongs on the case kept).
   */
  public Future<Accommodation> put(long caseId, Accommodation a, long staffId, Instant at) {
    return pool.preparedQuery(AccommodationSql.PUT).execute(Tuple.tuple().addLong(caseId)
            .addArrayOfString(a.needs().toArray(String[]::new)).addString(a.contactMeans()).addString(a.contactHours())
            .addString(a.note()).addLong(staffId).addOffsetDateTime(at.atOffset(ZoneOffset.UTC)))
        .compose(rows -> rows.size() == 0 ? CaseNotThere.failure(pool, caseId) : Future.succeededFuture(first(rows)));
  }

  /** On a merge, in its transaction: the duplicate's accommodation to the case kept, unless that has a newer one. */
  static Future<Void> carryOnMerge(SqlClient conn, long duplicateId, long keptId) {
    return conn.preparedQuery(AccommodationSql.CARRY_ON_MERGE).execute(Tuple.of(duplicateId, keptId)).mapEmpty();
  }

  private static Accommodation first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Accommodation.none();
    }
    Row r = rows.iterator().next();
    return new Accommodation(List.of(r.getArrayOfStrings("needs")), r.getString("contact_means"),
        r.getString("contact_hours"), r.getString("note"), r.getLong("updated_by"),
        r.getOffsetDateTime("updated_at").toInstant());
  }
}
