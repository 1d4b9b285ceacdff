package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;

/** Leases that let one gateway instance at a time run a periodic job (see {@code V28__job_lease.sql}). */
public final class JobLeaseStore {

  private final Pool pool;

  public JobLeaseStore(Pool pool) {
    this.pool = pool;
  }

  /** Takes or renews {@code job}'s lease for {@code holder}; true when {@code holder} holds it for {@code ttl}. */
  public Future<Boolean> hold(String job, String holder, Duration ttl) {
    return pool.preparedQuery(JobLeaseSql.HOLD).execute(Tuple.of(job, holder, ttl.toMillis() / 1000.0))
        .map(rows -> rows.size() > 0);
  }

  /** Gives {@code job}'s lease up if {@code holder} has it. */
  public Future<Void> release(String job, String holder) {
    return pool.preparedQuery(JobLeaseSql.RELEASE).execute(Tuple.of(job, holder)).mapEmpty();
  }

  /** Who holds {@code job}'s lease now, if anyone. */
  public Future<Optional<String>> holder(String job) {
    return pool.preparedQuery(JobLeaseSql.HOLDER).execute(Tuple.of(job))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("holder")));
  }
}
