package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;

/**
 * Who read or tried to read which case, when and from where. Rows are only ever added.
 */
public final class AuditLog {

  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  /** Adds one row; the caller waits for it before showing content, so no read goes unrecorded. */
  public Future<Void> record(AuditEntry entry) {
    return pool.preparedQuery(AuditSql.INSERT)
        .execute(Tuple.of(entry.staffId(), entry.caseId(), entry.action(), entry.allowed(),
            entry.remoteAddr(), entry.detail()))
        .mapEmpty();
  }

  /** One audit row; {@code at} is set by the database on insert. */
  public record AuditEntry(Instant at, Long staffId, Long caseId, String action, boolean allowed,
                           String remoteAddr, JsonObject detail) {

    public static AuditEntry of(Long staffId, Long caseId, String action, boolean allowed, String remoteAddr) {
      return new AuditEntry(null, staffId, caseId, action, allowed, remoteAddr, null);
    }
  }
}
