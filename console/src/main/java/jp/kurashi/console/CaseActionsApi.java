package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.office.OfficeHours;
import jp.kurashi.core.cases.CaseCommands;
import jp.kurashi.core.store.AgencyStore;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.HandoffStore;
import jp.kurashi.core.store.HandoffStore.NewHandoff;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What consultants do to a case: claim, assign, notes, close, complaint, retry a failed reply,
 * typing, and the handoff to in-person support with its printable intake summary.
 */
final class CaseActionsApi {

  private static final int MAX_NOTE = 10_000;

  private final CaseCommands commands;
  private final HandoffStore handoffs;
  private final AgencyStore agencies;
  private final CaseGuard guard;
  private final CaseEvents events;
  /** Each office's opening hours (offices of one deployment may have their own). */
  private final java.util.function.LongFunction<OfficeHours> hours;
  private final java.time.Clock clock;

  CaseActionsApi(CaseCommands commands, HandoffStore handoffs, AgencyStore agencies, CaseGuard guard,
                 CaseEvents events, java.util.function.LongFunction<OfficeHours> hours,
                 java.time.Clock clock) {
    this.commands = commands;
    this.handoffs = handoffs;
    this.agencies = agencies;
    this.guard = guard;
    this.events = events;
    this.hours = hours;
    this.clock = clock;
  }

  void bind(Operations operations) {
    operations.answer("claim", 200, this::claim);
    operations.answer("assign", 200, this::assign);
    operations.answer("addNote", 201, this::note);
    operations.answer("closeCase", 200, this::close);
    operations.answer("complaint", 200, this::complaint);
    operations.answer("reopen", 200, this::reopen);
    operations.answer("merge", 200, this::merge);
    operations.answer("link", 200, this::link);
    operations.answer("typing", 204, this::typing);
    operations.answer("retry", 202, this::retry);
    operations.answer("handoff", 201, this::handoff);
    operations.answer("listHandoffs", 200, this::handoffs);
    operations.on("intakeSummary", this::summary);
  }

  private Future<?> claim(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    return guard.role(ctx, session, "case.claim", Role.CONSULTANT, Role.CHIEF)
        .compose(v -> commands.claim(caseId, session.staff().id(), session.staff().officeId()))
        .compose(claim -> switch (claim) {
          case CLAIMED -> guard.record(ctx, session, caseId, "case.claim");
          // Another office's case answers as if it did not exist, and its id is kept out of this
          // office's audit rows (only in the detail, for whoever investigates probing).
          case NOT_FOUND -> guard.refused(ctx, session, null, "case.claim", new JsonObject().put("caseId", caseId))
              .compose(x -> Future.failedFuture(ApiException.notFound("case " + caseId)));
          case CLOSED -> guard.refused(ctx, session, caseId, "case.claim", null)
              .compose(x -> Future.failedFuture(new ApiException(409, "case_closed",
                  "この相談は終了しています / the case is closed")));
          case TAKEN -> guard.refused(ctx, session, caseId, "case.claim", null)
              .compose(x -> Future.failedFuture(new ApiException(409, "already_assigned",
                  "この相談はすでに担当者がいます / the case already has a consultant")));
        })
        .map(v -> new JsonObject().put("assigneeId", session.staff().id()));
  }

  private Future<?> assign(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    Object staffId = HttpJson.body(ctx).getValue("staffId");
    if (!(staffId instanceof Number target)) {
      throw ApiException.badRequest("staff_required", "staffId is required");
    }
    return guard.role(ctx, session, "case.assign", Role.CHIEF)
        .compose(v -> commands.assign(caseId, target.longValue(), session.staff().officeId()))
        .compose(done -> switch (done) {
          case ASSIGNED -> guard.record(ctx, session, caseId, "case.assign");
          case NOT_FOUND -> Future.<Void>failedFuture(ApiException.notFound("case or staff member"));
          case NOT_ASSIGNABLE -> guard.refused(ctx, session, caseId, "case.assign",
                  new JsonObject().put("targetStaffId", target.longValue()).put("reason", "not_assignable"))
              .compose(x -> Future.<Void>failedFuture(new ApiException(422, "not_assignable",
                  "管理者や無効なアカウントには担当を割り当てられません / cases go only to active consultants and chiefs")));
        })
        .map(v -> new JsonObject().put("assigneeId", target.longValue()));
  }

  private Future<?> note(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    String text = HttpJson.string(body, "text");
    if (text == null || text.isBlank() || text.length() > MAX_NOTE) {
      throw ApiException.badRequest("text_required", "text is required (at most " + MAX_NOTE + " characters)");
    }
    UUID draftId = DraftId.of(body);
    return guard.caseFor(ctx, session, caseId, "case.note")
        .compose(found -> commands.note(caseId, session.staff().id(), text, draftId))
        .map(noted -> new JsonObject().put("messageId", noted.messageId()).put("alreadyRecorded", noted.alreadyStored()));
  }

  private Future<?> close(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    String outcome = HttpJson.string(HttpJson.body(ctx), "outcome");
    if (outcome == null) { // one of the contract's Outcome values, checked before this runs
      throw ApiException.badRequest("invalid_outcome", "outcome is required");
    }
    return guard.caseFor(ctx, session, caseId, "case.close")
        .compose(found -> commands.close(caseId, outcome))
        .compose(closed -> answered(closed, new JsonObject().put("status", "closed").put("outcome", outcome),
            "not_open", "the case is not open"));
  }

  private Future<?> reopen(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    return guard.caseFor(ctx, session, caseId, "case.reopen")
        .compose(found -> commands.reopen(caseId))
        .compose(done -> answered(done, new JsonObject().put("status", "open"),
            "cannot_reopen", "the case is open, merged, or its resident has another open case"));
  }

  /** The chief folds a duplicate case into another one (e.g. the same person on two channels). */
  private Future<?> merge(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    Object into = HttpJson.body(ctx).getValue("into");
    if (!(into instanceof Number kept)) {
      throw ApiException.badRequest("into_required", "into (the case to keep) is required");
    }
    // Audited on both cases in the merge's own commit. The kept case's row also marks its thread as changed: whoever
    // follows it must open it again (a recorded read) before the moved messages are sent to them, so the row may not
    // come after the move, nor be lost while the move stands.
    JsonObject detail = new JsonObject().put("duplicate", caseId).put("into", kept.longValue());
    List<AuditEntry> audit = List.of(
        new AuditEntry(null, session.staff().id(), caseId, "case.merge", true, HttpJson.remote(ctx), detail),
        new AuditEntry(null, session.staff().id(), kept.longValue(), "case.merge", true, HttpJson.remote(ctx), detail));
    return guard.role(ctx, session, "case.merge", Role.CHIEF)
        .compose(v -> commands.merge(caseId, kept.longValue(), session.staff().officeId(), audit))
        .compose(done -> answered(done, new JsonObject().put("mergedInto", kept.longValue()),
            "cannot_merge", "both cases must exist in this office, not be erased and not be merged already"));
  }

  /**
   * Links two cases' contacts as one resident (the same person on LINE and email), so each case
   * shows the whole thread across channels. The caller must be allowed to read both.
   */
  private Future<?> link(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    Object other = HttpJson.body(ctx).getValue("caseId");
    if (!(other instanceof Number otherId)) {
      throw ApiException.badRequest("case_required", "caseId (the other case of the same person) is required");
    }
    return guard.caseFor(ctx, session, caseId, "case.link")
        .compose(a -> guard.caseFor(ctx, session, otherId.longValue(), "case.link"))
        .compose(b -> commands.link(caseId, otherId.longValue(), session.staff().officeId()))
        .map(done -> new JsonObject().put("linked", done));
  }

  /** Marks a complaint (苦情); the chief sees every complaint of the office. */
  private Future<?> complaint(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    boolean flag = !Boolean.FALSE.equals(HttpJson.body(ctx).getValue("complaint"));
    return guard.caseFor(ctx, session, caseId, "case.complaint")
        .compose(found -> commands.complaint(caseId, flag))
        .map(v -> new JsonObject().put("complaint", flag));
  }

  private Future<?> typing(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    return guard.caseForSignal(ctx, session, caseId, "case.typing")
        .compose(found -> events.publish(new CaseEvent(CaseEvent.STAFF_TYPING, found.officeId(), caseId,
            found.contactId(), null, found.summary().channel(), clock.instant())));
  }

  private Future<?> retry(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    long messageId = HttpJson.id(ctx, "messageId");
    OptionalLong confirmedHold = confirmedHold(ctx);
    // The consultant's word that the resident did not get the reply, audited with what it did: in the resend's own
    // commit when it goes back (a resend on someone's word never lacks the row naming them), after it otherwise.
    List<AuditEntry> onQueued = confirmedHold.isEmpty() ? List.of()
        : List.of(confirmedResend(ctx, session, caseId, messageId, confirmedHold, CaseCommands.RetryOutcome.QUEUED));
    return guard.caseFor(ctx, session, caseId, "message.retry")
        .compose(found -> commands.retry(caseId, messageId, confirmedHold, onQueued))
        .compose(retry -> confirmedHold.isEmpty() || retry.outcome() == CaseCommands.RetryOutcome.QUEUED
            ? Future.succeededFuture(retry)
            : guard.record(confirmedResend(ctx, session, caseId, messageId, confirmedHold, retry.outcome())).map(retry))
        .compose(retry -> switch (retry.outcome()) {
          case QUEUED -> Future.succeededFuture(new JsonObject().put("messageId", messageId).put("delivery", "queued"));
          case NOT_FAILED -> Future.failedFuture(new ApiException(409, "not_failed",
              "送信に失敗した返信だけを再送できます / only a failed reply can be sent again"));
          case AWAITS_CONFIRMATION -> Future.failedFuture(new ApiException(409, "confirm_resend",
              "この返信は前の送信で相談者に届いている可能性があります。届いていないことを確かめましたか？もう一度送ると二度届く"
                  + "ことがあります / this reply may already have reached the resident; have you checked it did not? Sent again,"
                  + " it may arrive twice", new JsonObject().put("hold", retry.hold().getAsLong())));
        });
  }

  private static AuditEntry confirmedResend(RoutingContext ctx, StaffSession session, long caseId, long messageId,
                                           OptionalLong hold, CaseCommands.RetryOutcome outcome) {
    return new AuditEntry(null, session.staff().id(), caseId, "message.retry.confirmed", true, HttpJson.remote(ctx),
        new JsonObject().put("messageId", messageId).put("hold", hold.getAsLong())
            .put("outcome", outcome.name().toLowerCase(Locale.ROOT)));
  }

  /**
   * The hold a consultant confirmed, from the optional body {@code {"confirmed": true, "hold": n}}: {@code n} is what
   * the 409 {@code confirm_resend} named, so a confirmation answers that question only and a reply held again since
   * is asked about again. A confirmation without it confirms nothing.
   */
  private static OptionalLong confirmedHold(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) { // -1: no body at all
      return OptionalLong.empty();
    }
    JsonObject body = HttpJson.body(ctx);
    return Boolean.TRUE.equals(body.getValue("confirmed")) && body.getValue("hold") instanceof Number hold
        && hold.longValue() == hold.doubleValue() ? OptionalLong.of(hold.longValue()) : OptionalLong.empty();
  }

  private Future<?> handoff(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    String kind = HttpJson.string(body, "kind");
    String message = HttpJson.string(body, "message");
    String note = HttpJson.string(body, "note");
    if (kind == null) { // one of the contract's HandoffKind values, checked before this runs
      throw ApiException.badRequest("invalid_kind", "kind is required");
    }
    Instant at = null;
    if (body.getValue("at") != null) {
      try {
        at = Instant.parse(String.valueOf(body.getValue("at")));
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("invalid_at", "at must be an ISO-8601 instant, e.g. 2026-12-01T01:00:00Z");
      }
    }
    if (kind.equals("appointment") && (at == null || !hours.apply(session.staff().officeId()).isOpen(at))) {
      throw ApiException.badRequest("outside_hours", "窓口の予約は受付時間内の日時にしてください / an appointment must be within office hours");
    }
    Long agencyId = body.getValue("agencyId") instanceof Number n ? n.longValue() : null;
    if (kind.equals("referral") && agencyId == null) {
      throw ApiException.badRequest("agency_required", "a referral needs agencyId");
    }
    Object sharing = body.getValue("sharingConsent");
    if (sharing != null && !(sharing instanceof Boolean)) {
      throw ApiException.badRequest("invalid_sharing_consent", "sharingConsent must be true or false");
    }
    // Whether the resident agreed to their information going to the agency is asked for every agency named: the
    // in-person consultant must know before calling them.
    if (agencyId != null && sharing == null) {
      throw ApiException.badRequest("sharing_consent_required",
          "関係機関への情報提供の同意の有無を記録してください / sharingConsent (true or false) is required when an agency is named");
    }
    Boolean sharingConsent = (Boolean) sharing;
    UUID draftId = DraftId.of(body);
    Instant when = at;
    boolean noMessage = message == null || message.isBlank();
    return guard.caseFor(ctx, session, caseId, "case.handoff")
        .compose(found -> {
          // A consultation taken by phone or at the window has no channel: the handoff is recorded, nothing is sent.
          boolean noChannel = jp.kurashi.core.domain.StaffRoutes.isStaffRoute(found.summary().channel());
          if (noMessage && !noChannel) {
            return Future.failedFuture(ApiException.badRequest("message_required",
                "message (what the resident receives) is required"));
          }
          return (agencyId == null ? Future.succeededFuture(true)
              : agencies.inOffice(agencyId, session.staff().officeId()))
              .compose(known -> !known
                  ? Future.<HandoffStore.Created>failedFuture(ApiException.notFound("agency " + agencyId))
                  : commands.handoff(new NewHandoff(caseId, kind, when, agencyId, note, session.staff().id(),
                      sharingConsent), noChannel ? null : message, draftId));
        })
        .map(created -> new JsonObject().put("id", created.handoffId())
            .put("messageId", created.confirmation() == null ? null : created.confirmation().messageId())
            .put("alreadyRecorded", created.alreadyRecorded())
            .put("summaryUrl", "/api/handoffs/" + created.handoffId() + "/summary"));
  }

  private Future<?> handoffs(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    return guard.caseFor(ctx, session, caseId, "case.handoffs.read")
        .compose(found -> handoffs.ofCase(caseId))
        .map(list -> RecordJson.items(list, RecordJson::handoff));
  }

  /** The command's answer when it took effect, else 409 {@code code}: the case was not in a state it applies to. */
  private static Future<JsonObject> answered(boolean done, JsonObject answer, String code, String message) {
    return done ? Future.succeededFuture(answer) : Future.failedFuture(new ApiException(409, code, message));
  }

  /** A one-page printable intake summary for the in-person consultant (HTML, every value escaped). */
  private void summary(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long handoffId = HttpJson.id(ctx, "handoffId");
    handoffs.summary(handoffId)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("handoff " + handoffId))
            // Another office's handoff answers as one that does not exist: naming its case would tell that office's
            // case ids (and volume) to whoever counts through handoff ids. Audited with the id in the detail only.
            : found.get().officeId() != session.staff().officeId()
                ? guard.refused(ctx, session, null, "handoff.summary", new JsonObject().put("handoffId", handoffId))
                    .compose(v -> Future.failedFuture(ApiException.notFound("handoff " + handoffId)))
            : guard.caseFor(ctx, session, found.get().caseId(), "handoff.summary")
                .map(c -> RecordJson.summary(found.get())))
        .onSuccess(h -> ctx.response()
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
            .end(IntakeSummary.html(h)))
        .onFailure(ctx::fail);
  }
}
