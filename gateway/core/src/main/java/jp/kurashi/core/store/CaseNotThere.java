package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Why a write found no case to write to: it was merged into another ({@link CaseMergedException}), or is not there. */
final class CaseNotThere {

  private CaseNotThere() {
  }

  /** A failed future saying which: merged, or {@link NotFoundException} for no such case or an erased one. */
  static <T> Future<T> failure(SqlClient client, long caseId) {
    return client.preparedQuery(StaffCaseSql.MERGED_INTO).execute(Tuple.of(caseId)).compose(rows -> {
      Long mergedInto = rows.size() == 0 ? null : rows.iterator().next().getLong("merged_into");
      return Future.failedFuture(mergedInto != null ? new CaseMergedException(caseId, mergedInto)
          : new NotFoundException("case " + caseId));
    });
  }
}
