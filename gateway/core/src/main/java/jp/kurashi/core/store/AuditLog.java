package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    return record(pool, entry);
  }

  /** Adds one row through {@code client}: a transaction's connection, so the row commits with what it records. */
  static Future<Void> record(SqlClient client, AuditEntry entry) {
    return client.preparedQuery(AuditSql.INSERT)
        .execute(Tuple.of(entry.staffId(), entry.caseId(), entry.action(), entry.allowed(),
            entry.remoteAddr(), entry.detail()))
        .mapEmpty();
  }

  /** One row as the chief's audit view lists it, with the login of whoever it was. */
  public record Recorded(long id, Instant at, Long staffId, String login, Long caseId, String action, boolean allowed,
                         String remoteAddr) {
  }

  /**
   * Rows of the office, newest first, at most {@code limit}, older than row {@code before} when it is not null (the
   * last id of the page before: ids only grow, so rows written meanwhile never shift a page); every case's when
   * {@code caseId} is null.
   */
  public Future<List<Recorded>> list(Long caseId, long officeId, Long before, int limit) {
    return pool.preparedQuery(AuditSql.LIST).execute(Tuple.of(caseId, officeId, (long) limit, before)).map(rows -> {
      List<Recorded> out = new ArrayList<>(rows.size());
      rows.forEach(r -> {
        OffsetDateTime at = r.getOffsetDateTime("at");
        out.add(new Recorded(r.getLong("id"), at == null ? null : at.toInstant(), r.getLong("staff_id"),
            r.getString("login"), r.getLong("case_id"), r.getString("action"), r.getBoolean("allowed"),
            r.getString("remote_addr")));
      });
      return out;
    });
  }

  /**
   * Which of {@code caseIds} the staff member opened (an allowed {@code case.read}) in this login session ({@code
   * session}, the session's audit name): what that session may follow without a new read being recorded.
   */
  public Future<Set<Long>> readInSession(long staffId, String session, List<Long> caseIds) {
    return pool.preparedQuery(AuditSql.READ_IN_SESSION).execute(Tuple.tuple().addLong(staffId)
            .addArrayOfLong(caseIds.toArray(new Long[0])).addString(session))
        .map(rows -> {
          Set<Long> read = new HashSet<>();
          rows.forEach(r -> read.add(r.getLong(0)));
          return read;
        });
  }

  /** One audit row; {@code at} is set by the database on insert. */
  public record AuditEntry(Instant at, Long staffId, Long caseId, String action, boolean allowed,
                           String remoteAddr, JsonObject detail) {

    public static AuditEntry of(Long staffId, Long caseId, String action, boolean allowed, String remoteAddr) {
      return new AuditEntry(null, staffId, caseId, action, allowed, remoteAddr, null);
    }
  }
}
