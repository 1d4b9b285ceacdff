package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Offices (desks) sharing this deployment.
 */
public final class OfficeStore {

  /** $1 code, $2 name. Creates the office on first start, keeps its name in step with configuration. */
  private static final String ENSURE = """
      INSERT INTO office (code, name) VALUES ($1, $2)
      ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name
      RETURNING id
      """;

  private final Pool pool;

  public OfficeStore(Pool pool) {
    this.pool = pool;
  }

  /** The id of the office with this code, created if missing. */
  public Future<Long> ensure(String code, String name) {
    return pool.preparedQuery(ENSURE).execute(Tuple.of(code, name)).map(rows -> rows.iterator().next().getLong("id"));
  }
}
