package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.CaseChange;
import jp.kurashi.core.store.AuditLog.AuditEntry;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What consultants do to a case, each in one statement or one transaction. A change answers with the case as it
 * left it ({@link CaseChange}), or empty when the case was not there to change, so the caller can answer 404 or 409.
 */
public final class CaseCommandStore {

  private final Pool pool;
  private final Clock clock;

  public CaseCommandStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  /** Assigns an open, unassigned case of the staff member's office to them. */
  public Future<Claimed> claim(long caseId, long staffId, long officeId) {
    return pool.preparedQuery(CaseCommandSql.CLAIM).execute(Tuple.of(caseId, staffId, officeId)).map(rows -> {
      if (rows.size() == 0) {
        return new Claimed(Claim.NOT_FOUND, null);
      }
      Row row = rows.iterator().next();
      if (row.getBoolean("claimed")) {
        return new Claimed(Claim.CLAIMED, change(row));
      }
      return new Claimed("closed".equals(row.getString("found_status")) ? Claim.CLOSED : Claim.TAKEN, null);
    });
  }

  /** What a claim did, and the case after it when it was claimed. */
  public record Claimed(Claim outcome, CaseChange change) {
  }

  /** What a claim did: the case is now the caller's, or why not. */
  public enum Claim {
    CLAIMED,
    /** No such case in the caller's office (another office's case reads the same). */
    NOT_FOUND,
    CLOSED,
    /** Someone already has it. */
    TAKEN
  }

  /** Gives the case to an active consultant or chief of the office. */
  public Future<Assigned> assign(long caseId, long staffId, long officeId) {
    return pool.preparedQuery(CaseCommandSql.ASSIGN).execute(Tuple.of(caseId, staffId, officeId)).map(rows -> {
      Row row = rows.iterator().next();
      if (row.getBoolean("assigned")) {
        return new Assigned(Assignment.ASSIGNED, change(row));
      }
      return new Assigned(row.getBoolean("case_found") && row.getBoolean("staff_found") ? Assignment.NOT_ASSIGNABLE
          : Assignment.NOT_FOUND, null);
    });
  }

  /** What an assignment did, and the case after it when it was assigned. */
  public record Assigned(Assignment outcome, CaseChange change) {
  }

  /** What an assignment did. */
  public enum Assignment {
    ASSIGNED,
    /** No such case or staff member in the office. */
    NOT_FOUND,
    /** The staff member is an admin or deactivated: cases go only to active consultants and chiefs. */
    NOT_ASSIGNABLE
  }

  /**
   * Adds an internal note, once per console {@code draftId}: the same draft again (a lost answer, a double click) gives
   * the note stored the first time and stores none; the same draft with another text or from another login is refused
   * ({@link DraftSentException}). A null {@code draftId} always stores. A failed {@link NotFoundException} when the case
   * does not exist or was erased, {@link CaseMergedException} when it was merged into another.
   */
  public Future<Noted> note(long caseId, long staffId, String text, UUID draftId) {
    return pool.withTransaction(conn -> conn.preparedQuery(CaseCommandSql.NOTE)
        .execute(Tuple.of(caseId, staffId, text).addUUID(draftId))
        .compose(rows -> rows.size() > 0 ? noted(conn, caseId, rows.iterator().next().getLong(0), false)
            : DraftRepeat.of(conn, caseId, draftId, CaseCommandSql.NOTE_OF_DRAFT,
                stored -> "note".equals(stored.getString("direction")) && text.equals(stored.getString("body"))
                    && Long.valueOf(staffId).equals(stored.getLong("staff_id")),
                stored -> noted(conn, caseId, stored.getLong("id"), true))));
  }

  private Future<Noted> noted(SqlClient conn, long caseId, long messageId, boolean alreadyStored) {
    return state(conn, caseId).compose(change -> change.isPresent()
        ? Future.succeededFuture(new Noted(messageId, change.get(), alreadyStored))
        : Future.failedFuture(new NotFoundException("case " + caseId)));
  }

  /** A note stored, on the case it belongs to; {@code alreadyStored} when its draft had stored it before. */
  public record Noted(long messageId, CaseChange change, boolean alreadyStored) {
  }

  /** Closes an open case with its outcome; empty when it was not open. */
  public Future<Optional<CaseChange>> close(long caseId, String outcome) {
    return changed(pool, CaseCommandSql.CLOSE, Tuple.of(caseId, outcome, now()));
  }

  /** Reopens a closed case; empty when it is open, merged, or its resident has another open case. */
  public Future<Optional<CaseChange>> reopen(long caseId) {
    return changed(pool, CaseCommandSql.REOPEN, Tuple.of(caseId));
  }

  /**
   * Folds a duplicate case into another in one transaction: its messages (and an accommodation newer than the kept
   * case's) move, it closes, reports leave it out, and {@code audit} is written in the same commit (a follower of the
   * kept case must read it again before moved messages reach them, which the merge's audit row decides: it may not lag
   * behind the move).
   *
   * @return the duplicate as it is now, or empty when either case is missing from the office, erased or already merged
   */
  public Future<Optional<CaseChange>> merge(long duplicateId, long keptId, long officeId, List<AuditEntry> audit) {
    return pool.withTransaction(conn -> changed(conn, CaseCommandSql.MERGE, Tuple.of(duplicateId, keptId, officeId, now()))
        .compose(merged -> {
          if (merged.isEmpty()) {
            return Future.succeededFuture(merged);
          }
          Future<Void> done = conn.preparedQuery(CaseCommandSql.MOVE_MESSAGES).execute(Tuple.of(duplicateId, keptId))
              .compose(moved -> AccommodationStore.carryOnMerge(conn, duplicateId, keptId));
          for (AuditEntry entry : audit) {
            done = done.compose(v -> AuditLog.record(conn, entry));
          }
          return done.map(merged);
        }));
  }

  /** Links the residents behind two cases of the office; empty when either case is not there. */
  public Future<Optional<CaseChange>> link(long caseId, long otherCaseId, long officeId) {
    return pool.withTransaction(conn -> conn.preparedQuery(CaseCommandSql.LINK)
        .execute(Tuple.of(caseId, otherCaseId, officeId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.empty()) : state(conn, caseId)));
  }

  /** Marks or unmarks a complaint (苦情); empty when the case does not exist. */
  public Future<Optional<CaseChange>> complaint(long caseId, boolean complaint) {
    return changed(pool, CaseCommandSql.COMPLAINT, Tuple.of(caseId, complaint));
  }

  /**
   * Puts a failed reply back in the outbox; empty when it had not failed, or when it waits for a consultant to confirm
   * the resident did not get it and {@code confirmedHold} is not the hold waiting ({@link #awaitsConfirmation} tells).
   * {@code audit} is written in the same commit when the reply goes back, and not at all when it does not: a resend on
   * a consultant's word is never queued without the row that says whose word it was.
   */
  public Future<Optional<CaseChange>> retry(long caseId, long messageId, OptionalLong confirmedHold,
                                            List<AuditEntry> audit) {
    Long hold = confirmedHold.isPresent() ? confirmedHold.getAsLong() : null;
    return pool.withTransaction(conn -> conn.preparedQuery(CaseCommandSql.RETRY)
        .execute(Tuple.of(messageId, caseId, hold))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<CaseChange>empty());
          }
          Future<Void> done = Future.succeededFuture();
          for (AuditEntry entry : audit) {
            done = done.compose(v -> AuditLog.record(conn, entry));
          }
          return done.compose(v -> state(conn, caseId));
        }));
  }

  /**
   * The hold of a failed reply kept until a consultant confirms the resident did not get it; empty when it is not
   * held so. A confirmation names the hold it answers, so one given for an earlier failure does not release a later one.
   */
  public Future<OptionalLong> awaitsConfirmation(long caseId, long messageId) {
    return pool.preparedQuery(CaseCommandSql.AWAITS_CONFIRMATION).execute(Tuple.of(messageId, caseId))
        .map(rows -> rows.size() == 0 ? OptionalLong.empty() : OptionalLong.of(rows.iterator().next().getLong("hold")));
  }

  /** The case's state now, read inside the caller's transaction. */
  static Future<Optional<CaseChange>> state(SqlClient client, long caseId) {
    return changed(client, CaseCommandSql.CASE_STATE, Tuple.of(caseId));
  }

  private static Future<Optional<CaseChange>> changed(SqlClient client, String sql, Tuple params) {
    return client.preparedQuery(sql).execute(params).map(CaseCommandStore::first);
  }

  private static Optional<CaseChange> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(change(rows.iterator().next()));
  }

  static CaseChange change(Row row) {
    return new CaseChange(row.getLong("id"), row.getLong("office_id"), row.getLong("contact_id"),
        row.getString("channel"), row.getString("status"), row.getLong("assignee_id"), row.getString("urgency"));
  }
}
