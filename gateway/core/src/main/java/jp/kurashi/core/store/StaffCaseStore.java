package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.ContactAdded;
import jp.kurashi.core.domain.ContactMade;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.StaffRecordedConsultation;
import jp.kurashi.core.domain.StaffRoutes;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Cases staff record (a consultation by phone, at the window, on a visit, from an agency) and what staff record on
 * any case: who consulted and who sent them, the contacts made, the next follow-up day.
 */
public final class StaffCaseStore {

  private final Pool pool;

  public StaffCaseStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Opens the case with the consultation as its first message; the contact is new and random, so the case never
   * joins another person's. A referral's source is the agency that sent them.
   */
  public Future<IngestResult> open(long officeId, StaffRecordedConsultation c) {
    return insert(pool, officeId, c, "staff-" + UUID.randomUUID());
  }

  /**
   * As {@link #open(long, StaffRecordedConsultation)}, once per console draft: the same draft sent again (a double click,
   * a resend after a lost answer) gives the case recorded the first time, as a duplicate, and opens no second one, which
   * the city's report would count as a second consultation. The draft is the recorder's own: another login's draft of
   * the same id is another case. One recorder's drafts are looked up and recorded one after the other (their staff row
   * locked), so two sends at once, even naming different routes, record one case.
   *
   * @return the case; a failed {@link DraftSentException} when the draft was recorded with other values (a corrected
   *     text, time or route): the correction is not silently dropped
   */
  public Future<IngestResult> open(long officeId, StaffRecordedConsultation c, UUID draftId) {
    String ref = "staff-" + c.staffId() + "-" + draftId;
    Tuple lookup = Tuple.tuple().addString(ref).addArrayOfString(StaffRoutes.ROUTES.toArray(String[]::new))
        .addLong(officeId);
    return pool.withTransaction(conn -> conn.preparedQuery(StaffCaseSql.LOCK_RECORDER).execute(Tuple.of(c.staffId()))
        .compose(locked -> conn.preparedQuery(StaffCaseSql.RECORDED).execute(lookup))
        .compose(rows -> {
          if (rows.size() == 0) {
            return insert(conn, officeId, c, ref);
          }
          Row row = rows.iterator().next();
          return sameConsultation(row, c)
              ? Future.succeededFuture(new IngestResult(row.getLong("id"), row.getLong("case_id"),
                  row.getLong("contact_id"), true, false))
              : Future.failedFuture(new DraftSentException(row.getLong("case_id")));
        }));
  }

  /** What the recorder sent the first time: the route, the words (normalised both times), the time and the people. */
  private static boolean sameConsultation(Row recorded, StaffRecordedConsultation c) {
    boolean referral = c.route().equals("referral");
    return recorded.getString("channel").equals(c.route())
        && recorded.getString("body").equals(c.text())
        && StoredTime.matches(recorded.getOffsetDateTime("created_at"), c.at())
        && Objects.equals(recorded.getString("consulter"), c.consulter())
        && Objects.equals(recorded.getLong("referral_agency_id"), referral ? c.agencyId() : null)
        && Objects.equals(recorded.getString("display_name"), c.name());
  }

  private static Future<IngestResult> insert(SqlClient client, long officeId, StaffRecordedConsultation c, String ref) {
    boolean referral = c.route().equals("referral");
    Tuple params = Tuple.tuple().addLong(officeId).addString(c.route()).addString(ref).addString(c.name())
        .addString(c.text()).addOffsetDateTime(c.at().atOffset(ZoneOffset.UTC)).addLong(c.staffId())
        .addString(c.consulter()).addString(referral ? "agency" : null).addLong(referral ? c.agencyId() : null)
        .addString(ref);
    return client.preparedQuery(StaffCaseSql.OPEN).execute(params).map(rows -> {
      Row row = rows.iterator().next();
      return new IngestResult(row.getLong("message_id"), row.getLong("case_id"), row.getLong("contact_id"), false, true);
    });
  }

  /** True when the agency is the office's and still in use. */
  public Future<Boolean> agencyActive(long agencyId, long officeId) {
    return pool.preparedQuery(StaffCaseSql.AGENCY_ACTIVE).execute(Tuple.of(agencyId, officeId))
        .map(rows -> rows.size() > 0);
  }

  /** Sets who consulted and who sent them (nulls clear); fails with {@link NotFoundException} for no such case. */
  public Future<Void> route(long caseId, String consulter, String referralSource, Long referralAgencyId) {
    return pool.preparedQuery(StaffCaseSql.SET_ROUTE).execute(Tuple.of(caseId, consulter, referralSource,
        referralAgencyId)).compose(rows -> found(rows.size(), caseId));
  }

  /** Sets the next follow-up day ({@code null}: none). */
  public Future<Void> followUp(long caseId, LocalDate on) {
    return pool.preparedQuery(StaffCaseSql.SET_FOLLOW_UP).execute(Tuple.of(caseId).addLocalDate(on))
        .compose(rows -> found(rows.size(), caseId));
  }

  /**
   * Records a contact made. The same {@code draftId} again (a lost answer, a double click) gives the contact recorded the
   * first time and adds none; the same draft with other values is refused ({@link DraftSentException}). A null
   * {@code draftId} always records. A case merged into another takes no new contacts ({@link CaseMergedException}).
   */
  public Future<ContactAdded> addContact(long caseId, String kind, Instant at, String note, long staffId,
                                         Instant recordedAt, UUID draftId) {
    return pool.preparedQuery(StaffCaseSql.ADD_CONTACT).execute(Tuple.tuple().addLong(caseId).addString(kind)
            .addOffsetDateTime(at.atOffset(ZoneOffset.UTC)).addString(note).addLong(staffId)
            .addOffsetDateTime(recordedAt.atOffset(ZoneOffset.UTC)).addUUID(draftId))
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(new ContactAdded(contact(rows.iterator().next()), false))
            : DraftRepeat.of(pool, caseId, draftId, StaffCaseSql.CONTACT_OF_DRAFT,
                recorded -> recorded.getString("kind").equals(kind)
                    && StoredTime.matches(recorded.getOffsetDateTime("at"), at)
                    && Objects.equals(recorded.getString("note"), note) && recorded.getLong("staff_id") == staffId,
                recorded -> Future.succeededFuture(new ContactAdded(contact(recorded), true))));
  }


  public Future<List<ContactMade>> contacts(long caseId) {
    return pool.preparedQuery(StaffCaseSql.CONTACTS).execute(Tuple.of(caseId)).map(rows -> {
      List<ContactMade> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(contact(row)));
      return found;
    });
  }

  private static Future<Void> found(int updated, long caseId) {
    return updated > 0 ? Future.succeededFuture() : Future.failedFuture(new NotFoundException("case " + caseId));
  }

  private static ContactMade contact(Row row) {
    return new ContactMade(row.getLong("id"), row.getLong("case_id"), row.getString("kind"),
        row.getOffsetDateTime("at").toInstant(), row.getString("note"), row.getLong("staff_id"),
        row.getString("staff_name"), row.getOffsetDateTime("recorded_at").toInstant());
  }
}
