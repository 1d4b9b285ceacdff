package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Milestone;
import jp.kurashi.core.store.MilestoneStore;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * A case's support milestones (支援の節目): {@code POST /api/cases/{id}/milestones} records that an assessment, a
 * plan, a re-plan or an evaluation was done on a day; {@code GET} lists them; {@code DELETE .../{milestoneId}}
 * takes back one recorded by mistake. Who may work on the case, every change audited.
 */
final class MilestonesApi {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  private final MilestoneStore store;
  private final CaseGuard guard;
  private final jp.kurashi.core.store.AuditLog audit;
  private final Clock clock;

  MilestonesApi(MilestoneStore store, CaseGuard guard, jp.kurashi.core.store.AuditLog audit, Clock clock) {
    this.store = store;
    this.guard = guard;
    this.audit = audit;
    this.clock = clock;
  }

  /** What was recorded or taken back, so a month's figures can be explained after the report went out. */
  private Future<Void> audited(RoutingContext ctx, StaffSession session, String action, Milestone m) {
    return audit.record(new jp.kurashi.core.store.AuditLog.AuditEntry(null, session.staff().id(), m.caseId(), action,
        true, HttpJson.remote(ctx), new JsonObject().put("milestoneId", m.id()).put("kind", m.kind())
            .put("on", m.doneOn().toString())));
  }

  void bind(Operations operations) {
    operations.answer("recordMilestone", 201, this::record);
    operations.answer("listMilestones", 200, this::list);
    operations.answer("deleteMilestone", 204, this::delete);
  }

  private Future<?> record(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    String kind = HttpJson.string(body, "kind");
    if (kind == null) { // a MilestoneKind of the contract, checked before this runs
      throw ApiException.badRequest("invalid_kind", "kind is required");
    }
    LocalDate on = day(HttpJson.string(body, "on"));
    String note = HttpJson.string(body, "note");
    if (note != null && note.length() > Milestone.MAX_NOTE) {
      throw ApiException.badRequest("invalid_note", "note is at most " + Milestone.MAX_NOTE + " characters");
    }
    UUID draftId = DraftId.of(body);
    return guard.caseFor(ctx, session, caseId, "case.milestone")
        .compose(found -> store.record(caseId, kind, on, note == null || note.isBlank() ? null : note.strip(),
            session.staff().id(), clock.instant(), draftId))
        // A repeat of its form is audited apart: the first send's row may be missing if its answer was lost to a restart.
        .compose(saved -> audited(ctx, session, saved.alreadyRecorded() ? "milestone.recorded.repeat" : "milestone.recorded",
            saved.milestone()).map(saved))
        .map(saved -> json(saved.milestone()).put("alreadyRecorded", saved.alreadyRecorded()));
  }

  private Future<?> list(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    return guard.caseFor(ctx, session, caseId, "case.milestones.read")
        .compose(found -> store.of(caseId))
        .map(found -> new JsonObject().put("items", new JsonArray(found.stream().map(MilestonesApi::json).toList())));
  }

  private Future<?> delete(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    long milestoneId = HttpJson.id(ctx, "milestoneId");
    return guard.caseFor(ctx, session, caseId, "case.milestone.delete")
        .compose(found -> store.of(caseId))
        .compose(all -> all.stream().filter(m -> m.id() == milestoneId).findFirst()
            .map(m -> store.delete(caseId, milestoneId).compose(v -> audited(ctx, session, "milestone.deleted", m)))
            .orElseGet(() -> Future.failedFuture(ApiException.notFound("milestone " + milestoneId))));
  }

  static JsonObject json(Milestone m) {
    return new JsonObject().put("id", m.id()).put("caseId", m.caseId()).put("kind", m.kind())
        .put("on", m.doneOn().toString()).put("note", m.note()).put("recordedBy", m.recordedBy())
        .put("recordedByName", m.recordedByName()).put("recordedAt", m.recordedAt().toString());
  }

  /** A day in the past or today (Japan): a milestone records what was done, not what is planned. */
  private LocalDate day(String raw) {
    try {
      LocalDate day = raw == null ? null : LocalDate.parse(raw);
      if (day != null && !day.isAfter(LocalDate.now(clock.withZone(TOKYO))) && day.getYear() >= 2000) {
        return day;
      }
    } catch (DateTimeParseException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_on", "on は実施した日(今日以前)です / on must be the day it was done, e.g. 2026-11-20, not in the future");
  }
}
