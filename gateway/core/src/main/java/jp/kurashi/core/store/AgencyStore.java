package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The office's partner agencies, which handoffs and referrals name. */
public final class AgencyStore {

  private final Pool pool;

  public AgencyStore(Pool pool) {
    this.pool = pool;
  }

  /** One active agency of the office. */
  public record Agency(long id, String name, String kind, String phone, String address, String note) {
  }

  public Future<List<Agency>> list(long officeId) {
    return pool.preparedQuery(AgencySql.LIST).execute(Tuple.of(officeId)).map(rows -> {
      List<Agency> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(new Agency(r.getLong("id"), r.getString("name"), r.getString("kind"),
          r.getString("phone"), r.getString("address"), r.getString("note"))));
      return out;
    });
  }

  /** Adds an agency; completes with its id. */
  public Future<Long> add(long officeId, String name, String kind, String phone, String address, String note) {
    return pool.preparedQuery(AgencySql.INSERT).execute(Tuple.of(officeId, name, kind, phone, address, note))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Whether the agency is an active one of the office. */
  public Future<Boolean> inOffice(long agencyId, long officeId) {
    return pool.preparedQuery(AgencySql.IN_OFFICE).execute(Tuple.of(agencyId, officeId)).map(rows -> rows.size() > 0);
  }
}
