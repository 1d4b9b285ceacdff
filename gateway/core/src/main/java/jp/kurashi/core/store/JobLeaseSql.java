package jp.kurashi.core.store;

/** SQL of {@link JobLeaseStore}. */
final class JobLeaseSql {

  private JobLeaseSql() {
  }

  /**
   * $1 job, $2 holder, $3 lease seconds. Takes the lease when it is free or ran out, or renews it for its holder;
   * a row comes back only when $2 holds the lease afterwards.
   */
  static final String HOLD = """
      INSERT INTO job_lease (job, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
      ON CONFLICT (job) DO UPDATE
         SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
             acquired_at = CASE WHEN job_lease.holder = EXCLUDED.holder THEN job_lease.acquired_at ELSE now() END
       WHERE job_lease.holder = EXCLUDED.holder OR job_lease.expires_at < now()
      RETURNING holder
      """;

  /** $1 job, $2 holder. Gives the lease up at once (a clean stop), so another instance need not wait for it. */
  static final String RELEASE = "DELETE FROM job_lease WHERE job = $1 AND holder = $2";

  /** $1 job. */
  static final String HOLDER = "SELECT holder FROM job_lease WHERE job = $1 AND expires_at >= now()";
}
