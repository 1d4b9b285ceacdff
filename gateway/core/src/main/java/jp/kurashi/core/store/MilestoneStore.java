package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Milestone;
import jp.kurashi.core.domain.MilestoneRecorded;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** The support milestones of each case. */
public final class MilestoneStore {

  private final Pool pool;

  public MilestoneStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records a milestone. The same {@code draftId} again (a lost answer, a double click) gives the milestone recorded the
   * first time and adds none; the same draft with other values is refused ({@link DraftSentException}). A null
   * {@code draftId} always records. A failed {@link NotFoundException} when the case does not exist or was erased,
   * {@link CaseMergedException} when it was merged into another (the report counts the case kept).
   */
  public Future<MilestoneRecorded> record(long caseId, String kind, LocalDate doneOn, String note, long staffId,
                                          Instant at, UUID draftId) {
    return pool.preparedQuery(MilestoneSql.INSERT).execute(Tuple.tuple().addLong(caseId).addString(kind)
            .addLocalDate(doneOn).addString(note).addLong(staffId).addOffsetDateTime(at.atOffset(ZoneOffset.UTC))
            .addUUID(draftId))
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(new MilestoneRecorded(milestone(rows.iterator().next()), false))
            : DraftRepeat.of(pool, caseId, draftId, MilestoneSql.OF_DRAFT,
                recorded -> recorded.getString("kind").equals(kind) && recorded.getLocalDate("done_on").equals(doneOn)
                    && Objects.equals(recorded.getString("note"), note) && recorded.getLong("recorded_by") == staffId,
                recorded -> Future.succeededFuture(new MilestoneRecorded(milestone(recorded), true))));
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
