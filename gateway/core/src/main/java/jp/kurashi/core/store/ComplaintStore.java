package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Complaint;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The complaints register of each office. */
public final class ComplaintStore {

  private final Pool pool;

  public ComplaintStore(Pool pool) {
    this.pool = pool;
  }

  /** What is recorded when a complaint comes in; {@code draftId}, the console form it was written in, or null. */
  public record NewComplaint(long officeId, Long caseId, Instant receivedAt, String channel, String summary,
                             Long responsibleId, long recordedBy, Instant recordedAt, UUID draftId) {
  }

  /** An entry of the register, as recorded; {@code alreadyRecorded} when its form had been recorded before. */
  public record Recorded(Complaint complaint, boolean alreadyRecorded) {
  }

  /** What the chief or the person responsible may change; {@code null} fields stay as they are. */
  public record ComplaintUpdate(String response, LocalDate closedOn, boolean reopen, Long responsibleId) {
  }

  /**
   * Records a complaint (marking its case as one); empty when nobody could answer for it (no active chief, or
   * the person named is not an active chief or consultant of the office) or the case is not the office's. The same
   * recorder's {@code draftId} again (a lost answer, a double click) gives the entry recorded the first time and adds
   * none; with other values it is refused ({@link DraftSentException}).
   */
  public Future<Optional<Recorded>> record(NewComplaint c) {
    return pool.preparedQuery(ComplaintSql.INSERT).execute(Tuple.tuple()
            .addLong(c.officeId()).addLong(c.caseId()).addOffsetDateTime(utc(c.receivedAt())).addString(c.channel())
            .addString(c.summary()).addLong(c.responsibleId()).addLong(c.recordedBy())
            .addOffsetDateTime(utc(c.recordedAt())).addUUID(c.draftId()))
        .compose(rows -> {
          if (rows.size() > 0 || c.draftId() == null) {
            return Future.succeededFuture(first(rows).map(saved -> new Recorded(saved, false)));
          }
          return pool.preparedQuery(ComplaintSql.OF_DRAFT).execute(Tuple.of(c.recordedBy(), c.draftId(), c.officeId()))
              .compose(found -> found.size() == 0 ? Future.succeededFuture(Optional.<Recorded>empty())
                  : repeated(found.iterator().next(), c));
        });
  }

  /** The entry a draft recorded, if the form sent again holds what it held then. */
  private static Future<Optional<Recorded>> repeated(Row row, NewComplaint c) {
    Complaint recorded = complaint(row);
    boolean same = Objects.equals(recorded.caseId(), c.caseId())
        && StoredTime.matches(row.getOffsetDateTime("received_at"), c.receivedAt())
        && recorded.channel().equals(c.channel()) && recorded.summary().equals(c.summary())
        && (c.responsibleId() == null || c.responsibleId() == recorded.responsibleId());
    return same ? Future.succeededFuture(Optional.of(new Recorded(recorded, true)))
        : Future.failedFuture(c.caseId() == null ? new DraftSentException() : new DraftSentException(c.caseId()));
  }

  /** The office's register, newest first: all of it, or only what {@code staffId} recorded or answers for. */
  public Future<List<Complaint>> list(long officeId, Long staffId, int limit) {
    return pool.preparedQuery(ComplaintSql.LIST).execute(Tuple.of(officeId, staffId, limit)).map(rows -> {
      List<Complaint> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(complaint(row)));
      return found;
    });
  }

  public Future<Optional<Complaint>> find(long id, long officeId) {
    return pool.preparedQuery(ComplaintSql.FIND).execute(Tuple.of(id, officeId)).map(ComplaintStore::first);
  }

  /** Empty when the entry is not the office's, or the new person responsible cannot be. */
  public Future<Optional<Complaint>> update(long id, long officeId, ComplaintUpdate u) {
    return pool.preparedQuery(ComplaintSql.UPDATE).execute(Tuple.tuple().addLong(id).addLong(officeId)
            .addString(u.response()).addLocalDate(u.closedOn()).addBoolean(u.reopen()).addLong(u.responsibleId()))
        .map(ComplaintStore::first);
  }

  private static Optional<Complaint> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(complaint(rows.iterator().next()));
  }

  private static Complaint complaint(Row row) {
    return new Complaint(row.getLong("id"), row.getLong("office_id"), row.getLong("case_id"),
        row.getOffsetDateTime("received_at").toInstant(), row.getString("channel"), row.getString("summary"),
        row.getLong("responsible_id"), row.getString("responsible_name"), row.getString("response"),
        row.getLocalDate("closed_on"), row.getLong("recorded_by"), row.getOffsetDateTime("recorded_at").toInstant());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
