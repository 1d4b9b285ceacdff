package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Milestone;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The support milestones of each case. */
public final class MilestoneStore {

  private final Pool pool;

  public MilestoneStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Milestone> record(long caseId, String kind, LocalDate doneOn, String note, long staffId, Instant at) {
    return pool.preparedQuery(MilestoneSql.INSERT).execute(Tuple.tuple().addLong(caseId).addString(kind)
            .addLocalDate(doneOn).addString(note).addLong(staffId).addOffsetDateTime(at.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new NotFoundException("case " + caseId);
          }
          return milestone(rows.iterator().next());
        });
  }

  public Future<List<Milestone>> of(long caseId) {
    return pool.preparedQuery(MilestoneSql.OF_CASE).execute(Tuple.of(caseId)).map(rows -> {
      List<Milestone> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(milestone(row)));
      return found;
    });
  }

  /** False when the case has no such milestone. */
  public Future<Boolean> delete(long caseId, long milestoneId) {
    return pool.preparedQuery(MilestoneSql.DELETE).execute(Tuple.of(caseId, milestoneId)).map(rows -> rows.size() > 0);
  }

  private static Milestone milestone(Row row) {
    return new Milestone(row.getLong("id"), row.getLong("case_id"), row.getString("kind"), row.getLocalDate("done_on"),
        row.getString("note"), row.getLong("recorded_by"), row.getString("recorded_by_name"),
        row.getOffsetDateTime("recorded_at").toInstant());
  }
}
