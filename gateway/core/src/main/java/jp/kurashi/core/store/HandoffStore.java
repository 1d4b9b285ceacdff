package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.CaseChange;
import jp.kurashi.core.store.MessageStore.QueuedReply;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Handoffs to in-person support: recorded with the resident's confirmation, listed, summarised for printing. */
public final class HandoffStore {

  private final Pool pool;
  private final Clock clock;

  public HandoffStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** What a new handoff says; {@code sharingConsent} is {@code null} when no agency is named. */
  public record NewHandoff(long caseId, String kind, Instant at, Long agencyId, String note, long staffId,
                           Boolean sharingConsent) {
  }

  /**
   * A handoff recorded; {@code confirmation} is the reply queued to the resident, {@code null} when none was. With
   * {@code alreadyRecorded}, the console's draft had been recorded before: nothing was recorded or queued now, and
   * {@code change} and {@code confirmation} are {@code null}.
   */
  public record Created(long handoffId, CaseChange change, QueuedReply confirmation, boolean alreadyRecorded) {
  }

  /**
   * Records a handoff and, when {@code confirmation} is given, queues it to the resident through the reply path, in
   * one transaction. A consultation staff recorded (phone, window) has no channel: it gets no confirmation.
   *
   * @return the handoff; a failed {@link NotFoundException} or {@link ContactUnreachableException} as for a reply
   */
  public Future<Created> create(NewHandoff handoff, String confirmation) {
    return create(handoff, confirmation, null);
  }

  /**
   * As {@link #create(NewHandoff, String)}, once per console draft {@code draftId} ({@code null}: none): the same draft
   * sent again (its answer was lost) gives the handoff recorded the first time, and neither records nor sends anything.
   *
   * @return as above; a failed {@link DraftSentException} when the draft was recorded with other values (a corrected
   *     date) or by someone else: the correction is not silently dropped
   */
  public Future<Created> create(NewHandoff handoff, String confirmation, UUID draftId) {
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> (draftId == null ? Future.succeededFuture(Optional.<Row>empty())
        : recordedDraft(conn, handoff.caseId(), draftId))
        .compose(recorded -> recorded.isEmpty() ? insert(conn, handoff, confirmation, draftId, now)
            : sameDraft(recorded.get(), handoff, confirmation)
                ? Future.succeededFuture(new Created(recorded.get().getLong("id"), null, null, true))
                : Future.failedFuture(new DraftSentException(handoff.caseId()))));
  }

  /** The case locked first: a second send of the same draft waits for the first's commit, then finds its handoff. */
  private static Future<Optional<Row>> recordedDraft(SqlConnection conn, long caseId, UUID draftId) {
    return conn.preparedQuery(HandoffSql.LOCK_CASE).execute(Tuple.of(caseId))
        .compose(locked -> locked.size() == 0 ? Future.failedFuture(new NotFoundException("case " + caseId))
            : conn.preparedQuery(HandoffSql.OF_DRAFT).execute(Tuple.of(caseId, draftId)))
        .map(rows -> rows.size() == 0 ? Optional.<Row>empty() : Optional.of(rows.iterator().next()));
  }

  private static boolean sameDraft(Row recorded, NewHandoff handoff, String confirmation) {
    return recorded.getString("kind").equals(handoff.kind())
        && StoredTime.matches(recorded.getOffsetDateTime("at"), handoff.at())
        && Objects.equals(recorded.getLong("agency_id"), handoff.agencyId())
        && Objects.equals(recorded.getString("note"), handoff.note())
        && recorded.getLong("staff_id") == handoff.staffId()
        && Objects.equals(recorded.getBoolean("sharing_consent"), handoff.sharingConsent())
        && Objects.equals(recorded.getString("confirmation"), confirmation);
  }

  private static Future<Created> insert(SqlConnection conn, NewHandoff handoff, String confirmation, UUID draftId,
                                        OffsetDateTime now) {
    return (confirmation == null ? Future.<QueuedReply>succeededFuture(null)
        : MessageStore.queueReplyOn(conn, handoff.caseId(), handoff.staffId(), confirmation, now))
        .compose(reply -> conn.preparedQuery(HandoffSql.INSERT).execute(Tuple.of(handoff.caseId(), handoff.kind(),
                handoff.at() == null ? null : handoff.at().atOffset(ZoneOffset.UTC), handoff.agencyId(), handoff.note(),
                reply == null ? null : reply.messageId(), handoff.staffId()).addValue(handoff.sharingConsent())
                .addValue(draftId))
            .map(rows -> {
              Row row = rows.iterator().next();
              return new Created(row.getLong("handoff_id"), CaseCommandStore.change(row), reply, false);
            }));
  }

  /** One handoff of a case, as the case's list shows it. */
  public record Handoff(long id, String kind, Instant at, String note, String agency, Boolean sharingConsent,
                        Instant createdAt) {
  }

  public Future<List<Handoff>> ofCase(long caseId) {
    return pool.preparedQuery(HandoffSql.OF_CASE).execute(Tuple.of(caseId)).map(rows -> {
      List<Handoff> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(new Handoff(r.getLong("id"), r.getString("kind"), instant(r.getOffsetDateTime("at")),
          r.getString("note"), r.getString("agency"), r.getBoolean("sharing_consent"),
          instant(r.getOffsetDateTime("created_at")))));
      return out;
    });
  }

  /**
   * What the in-person consultant's printable summary shows; {@code officeId} and {@code assigneeId} are for the
   * access check.
   */
  public record Summary(long id, String kind, Instant at, String note, Instant createdAt, long caseId, String agency,
                        String agencyPhone, Boolean sharingConsent, List<String> categories, String urgency,
                        Instant openedAt, String channel, String contactName, String staffName, long officeId,
                        Long assigneeId, List<String> needs, String contactMeans, String contactHours,
                        String accommodationNote, String consulter, String referralSource, String referralAgency) {
  }

  public Future<Optional<Summary>> summary(long handoffId) {
    return pool.preparedQuery(HandoffSql.SUMMARY).execute(Tuple.of(handoffId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Summary(r.getLong("id"), r.getString("kind"), instant(r.getOffsetDateTime("at")),
          r.getString("note"), instant(r.getOffsetDateTime("created_at")), r.getLong("case_id"), r.getString("agency"),
          r.getString("agency_phone"), r.getBoolean("sharing_consent"), strings(r.getArrayOfStrings("categories")),
          r.getString("urgency"), instant(r.getOffsetDateTime("opened_at")), r.getString("channel"),
          r.getString("contact_name"), r.getString("staff_name"), r.getLong("office_id"), r.getLong("assignee_id"),
          strings(r.getArrayOfStrings("needs")), r.getString("contact_means"), r.getString("contact_hours"),
          r.getString("accommodation_note"), r.getString("consulter"), r.getString("referral_source"),
          r.getString("referral_agency")));
    });
  }

  private static List<String> strings(String[] values) {
    return values == null ? List.of() : List.of(values);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
