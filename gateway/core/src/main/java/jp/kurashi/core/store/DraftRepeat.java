package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Why an insert that names a console form's draft added no row on a case: the draft stored it before (the same values:
 * that row, as a repeat; others: {@link DraftSentException}), or the case is not there to write to ({@link CaseNotThere}).
 */
final class DraftRepeat {

  private DraftRepeat() {
  }

  /**
   * @param lookup   SQL of $1 case, $2 draft: the row that draft stored
   * @param same     whether that row holds what this send holds
   * @param repeated the answer for a repeat, from that row
   */
  static <T> Future<T> of(SqlClient client, long caseId, UUID draftId, String lookup, Predicate<Row> same,
                          Function<Row, Future<T>> repeated) {
    if (draftId == null) {
      return CaseNotThere.failure(client, caseId);
    }
    return client.preparedQuery(lookup).execute(Tuple.of(caseId, draftId)).compose(found -> {
      if (found.size() == 0) {
        return CaseNotThere.failure(client, caseId);
      }
      Row stored = found.iterator().next();
      return same.test(stored) ? repeated.apply(stored) : Future.failedFuture(new DraftSentException(caseId));
    });
  }
}
