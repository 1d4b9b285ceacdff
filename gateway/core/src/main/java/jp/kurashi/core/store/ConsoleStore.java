package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * What consultants do to cases, and the office's lists (agencies, templates, staff, audit).
 * Every method reports whether the row was there to change, so the API can answer 404 or 409.
 */
public final class ConsoleStore {

  private final Pool pool;
  private final Clock clock;

  public ConsoleStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  /** Assigns an open, unassigned case of the staff member's office to them. */
  public Future<Claim> claim(long caseId, long staffId, long officeId) {
    return pool.preparedQuery(ConsoleSql.CLAIM).execute(Tuple.of(caseId, staffId, officeId)).map(rows -> {
      if (rows.size() == 0) {
        return Claim.NOT_FOUND;
      }
      Row row = rows.iterator().next();
      if (row.getBoolean("claimed")) {
        return Claim.CLAIMED;
      }
      return "closed".equals(row.getString("status")) ? Claim.CLOSED : Claim.TAKEN;
    });
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
  public Future<Assignment> assign(long caseId, long staffId, long officeId) {
    return pool.preparedQuery(ConsoleSql.ASSIGN).execute(Tuple.of(caseId, staffId, officeId)).map(rows -> {
      Row row = rows.iterator().next();
      if (row.getBoolean("assigned")) {
        return Assignment.ASSIGNED;
      }
      return row.getBoolean("case_found") && row.getBoolean("staff_found") ? Assignment.NOT_ASSIGNABLE
          : Assignment.NOT_FOUND;
    });
  }

  /** What an assignment did. */
  public enum Assignment {
    ASSIGNED,
    /** No such case or staff member in the office. */
    NOT_FOUND,
    /** The staff member is an admin or deactivated: cases go only to active consultants and chiefs. */
    NOT_ASSIGNABLE
  }

  public Future<Long> note(long caseId, long staffId, String text) {
    return pool.preparedQuery(ConsoleSql.NOTE).execute(Tuple.of(caseId, staffId, text)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(new NotFoundException("case " + caseId))
        : Future.succeededFuture(rows.iterator().next().getLong(0)));
  }

  public Future<Boolean> close(long caseId, String outcome) {
    return changed(ConsoleSql.CLOSE, Tuple.of(caseId, outcome, now()));
  }

  public Future<Boolean> reopen(long caseId) {
    return changed(ConsoleSql.REOPEN, Tuple.of(caseId));
  }

  /** Folds a duplicate case into another: its messages move, it closes, reports leave it out. */
  public Future<Boolean> merge(long duplicateId, long keptId, long officeId) {
    return pool.withTransaction(conn -> conn.preparedQuery(ConsoleSql.MERGE).execute(Tuple.of(duplicateId, keptId, officeId, now()))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(ConsoleSql.MOVE_MESSAGES).execute(Tuple.of(duplicateId, keptId)).map(true)));
  }

  public Future<Boolean> complaint(long caseId, boolean complaint) {
    return changed(ConsoleSql.COMPLAINT, Tuple.of(caseId, complaint));
  }

  /** Puts a failed reply back in the outbox; false when it had not failed. */
  public Future<Boolean> retry(long caseId, long messageId) {
    return changed(ConsoleSql.RETRY, Tuple.of(messageId, caseId));
  }

  /**
   * Records a handoff of a consultation staff recorded (phone, window): there is no channel, so no confirmation.
   *
   * @return the handoff's id
   */
  public Future<Long> handoffWithoutMessage(long caseId, String kind, Instant at, Long agencyId, String note,
                                            long staffId, Boolean sharingConsent) {
    return pool.preparedQuery(ConsoleSql.HANDOFF).execute(Tuple.of(caseId, kind,
            at == null ? null : at.atOffset(ZoneOffset.UTC), agencyId, note, null, staffId).addValue(sharingConsent))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Records a handoff and queues its confirmation to the resident in one transaction. {@code sharingConsent}: whether
   * the resident agreed to their information being shared with the agency ({@code null} when none is named).
   *
   * @return {handoff id, confirmation message id}
   */
  public Future<long[]> handoff(long caseId, String kind, Instant at, Long agencyId, String note, String confirmation,
                                long staffId, Boolean sharingConsent) {
    return pool.withTransaction(conn -> conn.preparedQuery(MessageSql.INSERT_REPLY)
        .execute(Tuple.of(caseId, confirmation, staffId, now()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return conn.preparedQuery(MessageSql.CASE_CONTACT_REACHABLE).execute(Tuple.of(caseId))
                .compose(found -> Future.failedFuture(found.size() == 0 ? new NotFoundException("case " + caseId)
                    : new ContactUnreachableException(caseId)));
          }
          Row row = rows.iterator().next();
          long messageId = row.getLong("id");
          return conn.preparedQuery(MessageSql.INSERT_OUTBOX)
              .execute(Tuple.of(messageId, row.getString("channel"), UUID.randomUUID()))
              .compose(v -> conn.preparedQuery(ConsoleSql.HANDOFF).execute(Tuple.of(caseId, kind,
                  at == null ? null : at.atOffset(ZoneOffset.UTC), agencyId, note, messageId, staffId)
                  .addValue(sharingConsent)))
              .map(h -> new long[] {h.iterator().next().getLong(0), messageId});
        }));
  }

  /** The handoff with what the printable summary needs; the office and assignee are for the access check. */
  public Future<Optional<JsonObject>> handoffSummary(long handoffId) {
    return pool.preparedQuery(ConsoleSql.HANDOFF_SUMMARY).execute(Tuple.of(handoffId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind"))
          .put("at", iso(r.getOffsetDateTime("at"))).put("note", r.getString("note"))
          .put("createdAt", iso(r.getOffsetDateTime("created_at"))).put("caseId", r.getLong("case_id"))
          .put("agency", r.getString("agency")).put("agencyPhone", r.getString("agency_phone"))
          .put("sharingConsent", r.getBoolean("sharing_consent"))
          .put("categories", new JsonArray(java.util.List.of(r.getArrayOfStrings("categories"))))
          .put("urgency", r.getString("urgency")).put("openedAt", iso(r.getOffsetDateTime("opened_at")))
          .put("channel", r.getString("channel")).put("contactName", r.getString("contact_name"))
          .put("staffName", r.getString("staff_name")).put("officeId", r.getLong("office_id"))
          .put("assigneeId", r.getLong("assignee_id"))
          .put("needs", r.getArrayOfStrings("needs") == null ? new JsonArray()
              : new JsonArray(java.util.List.of(r.getArrayOfStrings("needs"))))
          .put("contactMeans", r.getString("contact_means")).put("contactHours", r.getString("contact_hours"))
          .put("accommodationNote", r.getString("accommodation_note"))
          .put("consulter", r.getString("consulter")).put("referralSource", r.getString("referral_source"))
          .put("referralAgency", r.getString("referral_agency")));
    });
  }

  public Future<JsonArray> handoffs(long caseId) {
    return pool.preparedQuery(ConsoleSql.HANDOFFS).execute(Tuple.of(caseId)).map(rows -> json(rows, r -> new JsonObject()
        .put("id", r.getLong("id")).put("kind", r.getString("kind")).put("at", iso(r.getOffsetDateTime("at")))
        .put("note", r.getString("note")).put("agency", r.getString("agency"))
        .put("sharingConsent", r.getBoolean("sharing_consent"))
        .put("createdAt", iso(r.getOffsetDateTime("created_at")))));
  }

  public Future<JsonArray> agencies(long officeId) {
    return pool.preparedQuery(ConsoleSql.AGENCIES).execute(Tuple.of(officeId)).map(rows -> json(rows, r -> new JsonObject()
        .put("id", r.getLong("id")).put("name", r.getString("name")).put("kind", r.getString("kind"))
        .put("phone", r.getString("phone")).put("address", r.getString("address")).put("note", r.getString("note"))));
  }

  public Future<Long> addAgency(long officeId, String name, String kind, String phone, String address, String note) {
    return pool.preparedQuery(ConsoleSql.ADD_AGENCY).execute(Tuple.of(officeId, name, kind, phone, address, note))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Boolean> agencyInOffice(long agencyId, long officeId) {
    return pool.preparedQuery(ConsoleSql.AGENCY_IN_OFFICE).execute(Tuple.of(agencyId, officeId)).map(rows -> rows.size() > 0);
  }

  public Future<JsonArray> templates(long officeId) {
    return pool.preparedQuery(ConsoleSql.TEMPLATES).execute(Tuple.of(officeId)).map(rows -> json(rows, r -> new JsonObject()
        .put("id", r.getLong("id")).put("title", r.getString("title")).put("body", r.getString("body"))));
  }

  public Future<Long> saveTemplate(long officeId, String title, String body) {
    return pool.preparedQuery(ConsoleSql.ADD_TEMPLATE).execute(Tuple.of(officeId, title, body))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<JsonArray> staff(long officeId) {
    return pool.preparedQuery(ConsoleSql.STAFF).execute(Tuple.of(officeId)).map(rows -> json(rows, r -> new JsonObject()
        .put("id", r.getLong("id")).put("login", r.getString("login")).put("displayName", r.getString("display_name"))
        .put("role", r.getString("role")).put("active", r.getBoolean("active"))
        .put("totpEnabled", r.getBoolean("totp_enabled")).put("mustChangePassword", r.getBoolean("must_change_password"))));
  }

  /** Audit rows of the office, newest first; all cases when {@code caseId} is null. */
  public Future<JsonArray> audit(Long caseId, long officeId, int limit) {
    return pool.preparedQuery(ConsoleSql.AUDIT).execute(Tuple.of(caseId, officeId, (long) limit)).map(rows -> json(rows,
        r -> new JsonObject().put("id", r.getLong("id")).put("at", iso(r.getOffsetDateTime("at")))
            .put("staffId", r.getLong("staff_id")).put("login", r.getString("login")).put("caseId", r.getLong("case_id"))
            .put("action", r.getString("action")).put("allowed", r.getBoolean("allowed"))
            .put("remoteAddr", r.getString("remote_addr"))));
  }

  private Future<Boolean> changed(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(rows -> rows.size() > 0);
  }

  private static JsonArray json(RowSet<Row> rows, java.util.function.Function<Row, JsonObject> map) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(map.apply(r)));
    return out;
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
