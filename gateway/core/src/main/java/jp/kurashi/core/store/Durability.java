package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the database keeps what it acknowledged: {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} as the server reports them ({@code SHOW}), so a setting changed in
 * postgresql.conf, by {@code ALTER SYSTEM} or for the role is seen too.
 *
 * @param fsync            {@code SHOW fsync}
 * @param synchronousCommit {@code SHOW synchronous_commit}
 * @param fullPageWrites   {@code SHOW full_page_writes}
 */
public record Durability(String fsync, String synchronousCommit, String fullPageWrites) {

  private static final String SHOW = """
      SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit,
             current_setting('full_page_writes') AS full_page_writes
      """;

  /** Asks the server. */
  public static Future<Durability> of(Pool pool) {
    return pool.query(SHOW).execute().map(rows -> {
      Row r = rows.iterator().next();
      return new Durability(r.getString("fsync"), r.getString("synchronous_commit"), r.getString("full_page_writes"));
    });
  }

  /** The settings that would lose acknowledged data on a crash, e.g. {@code [fsync=off]}; empty when durable. */
  public List<String> unsafe() {
    List<String> unsafe = new ArrayList<>();
    if (!"on".equals(fsync)) {
      unsafe.add("fsync=" + fsync);
    }
    // local and remote_write still wait for the local flush; only off (and a lost standby) acknowledges early.
    if ("off".equals(synchronousCommit)) {
      unsafe.add("synchronous_commit=" + synchronousCommit);
    }
    if (!"on".equals(fullPageWrites)) {
      unsafe.add("full_page_writes=" + fullPageWrites);
    }
    return unsafe;
  }

  /** True when nothing acknowledged can be lost to a crash of the server or the machine. */
  public boolean durable() {
    return unsafe().isEmpty();
  }
}
