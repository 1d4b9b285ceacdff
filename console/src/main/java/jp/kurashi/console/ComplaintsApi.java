package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Complaint;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.ComplaintStore;
import jp.kurashi.core.store.ComplaintStore.ComplaintUpdate;
import jp.kurashi.core.store.ComplaintStore.NewComplaint;
import jp.kurashi.core.store.ComplaintStore.Recorded;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The complaints register (苦情受付簿): {@code POST /api/complaints} records a complaint however it came (a
 * consultant or the chief), {@code GET /api/complaints} lists the register (the chief: all of it; a consultant:
 * what they recorded or answer for), {@code PATCH /api/complaints/{id}} records the response and the closing
 * day (the chief or the person responsible; only the chief names who is responsible). Every call is audited.
 */
final class ComplaintsApi {

  private static final int DEFAULT_LIMIT = 200;
  private static final int MAX_LIMIT = 1000;
  /** A complaint received "now" on a PC whose clock runs a little ahead is still accepted. */
  private static final Duration CLOCK_SLACK = Duration.ofMinutes(5);
  /** A complaint recorded late is still recorded; one older than this is a typing mistake. */
  private static final Duration OLDEST = Duration.ofDays(3 * 366);
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  private final ComplaintStore complaints;
  private final CaseGuard guard;
  private final AuditLog audit;
  private final Clock clock;

  ComplaintsApi(ComplaintStore complaints, CaseGuard guard, AuditLog audit, Clock clock) {
    this.complaints = complaints;
    this.guard = guard;
    this.audit = audit;
    this.clock = clock;
  }

  void bind(Operations operations) {
    operations.answer("recordComplaint", 201, this::create);
    operations.answer("listComplaints", 200, this::list);
    operations.answer("updateComplaint", 200, this::update);
  }

  private Future<?> create(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return guard.role(ctx, session, "complaint.create", Role.CHIEF, Role.CONSULTANT)
        .compose(v -> record(ctx, session))
        .map(saved -> json(saved.complaint()).put("alreadyRecorded", saved.alreadyRecorded()));
  }

  private Future<Recorded> record(RoutingContext ctx, StaffSession session) {
    JsonObject body = HttpJson.body(ctx);
    Long caseId = body.getLong("caseId");
    Long responsibleId = body.getLong("responsibleId");
    NewComplaint complaint = new NewComplaint(session.staff().officeId(), caseId, receivedAt(body),
        channel(body), text(body, "summary", true), responsibleId, session.staff().id(), clock.instant(), DraftId.of(body));
    return Future.<Void>succeededFuture()
        .compose(v -> responsibleId == null || session.staff().role() == Role.CHIEF ? Future.<Void>succeededFuture()
            : guard.role(ctx, session, "complaint.create.responsible", Role.CHIEF))
        .compose(v -> caseId == null ? Future.<Void>succeededFuture()
            : guard.caseFor(ctx, session, caseId, "complaint.create.case").mapEmpty())
        .compose(v -> complaints.record(complaint))
        .compose(saved -> saved.isEmpty()
            ? Future.failedFuture(new ApiException(409, "no_responsible",
                "対応する責任者(主任相談員)がいません。管理者に確認してください / nobody can answer for it: no active chief, "
                    + "or the person named is not an active chief or consultant of this office"))
            // A repeat of its form is audited apart: the first send's row may be missing if its answer was lost to a restart.
            : audited(ctx, session, saved.get().complaint(),
                saved.get().alreadyRecorded() ? "complaint.create.repeat" : "complaint.create").map(saved.get()));
  }

  private Future<?> list(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    int limit = limit(ctx.queryParams().get("limit"));
    Long only = session.staff().role() == Role.CHIEF ? null : session.staff().id();
    return guard.role(ctx, session, "complaint.list", Role.CHIEF, Role.CONSULTANT)
        .compose(v -> complaints.list(session.staff().officeId(), only, limit))
        // The row names what was shown, as a search's does: entries and the cases they are about.
        .compose(found -> audit.record(new AuditEntry(null, session.staff().id(), null, "complaint.list", true,
                HttpJson.remote(ctx), new JsonObject().put("entries", found.size())
                .put("complaintIds", new JsonArray(found.stream().map(Complaint::id).toList()))
                .put("caseIds", new JsonArray(found.stream().map(Complaint::caseId).filter(Objects::nonNull)
                    .distinct().toList()))))
            .map(v -> new JsonObject().put("items", new JsonArray(found.stream().map(ComplaintsApi::json).toList()))));
  }

  private Future<?> update(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long id = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    ComplaintUpdate change = new ComplaintUpdate(text(body, "response", false), closedOn(body),
        Boolean.TRUE.equals(body.getBoolean("reopen")), body.getLong("responsibleId"));
    long office = session.staff().officeId();
    return guard.role(ctx, session, "complaint.update", Role.CHIEF, Role.CONSULTANT)
        .compose(v -> complaints.find(id, office))
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiException.notFound("complaint " + id))
            : Future.succeededFuture(found.get()))
        .compose(found -> {
          boolean chief = session.staff().role() == Role.CHIEF;
          boolean responsible = found.responsibleId() == session.staff().id();
          if (!chief && (!responsible || change.responsibleId() != null)) {
            return guard.role(ctx, session, "complaint.update", Role.CHIEF).map(found);
          }
          return Future.succeededFuture(found);
        })
        // Only after the caller is known to answer for it: an unaudited 400 would tell anyone its received day.
        .compose(found -> change.closedOn() != null
            && change.closedOn().isBefore(found.receivedAt().atZone(TOKYO).toLocalDate())
            ? Future.failedFuture(ApiException.badRequest("invalid_closed_on",
                "終了日が受付日より前です / closedOn is before the day the complaint was received"))
            : Future.succeededFuture(found))
        .compose(found -> complaints.update(id, office, change))
        .compose(saved -> saved.isEmpty()
            ? Future.failedFuture(new ApiException(409, "no_responsible",
                "その職員は責任者にできません / that member of staff cannot answer for it (not an active chief or consultant here)"))
            : audited(ctx, session, saved.get(), "complaint.update"))
        .map(saved -> json(saved));
  }

  private Future<Complaint> audited(RoutingContext ctx, StaffSession session, Complaint c, String action) {
    return audit.record(new AuditEntry(null, session.staff().id(), c.caseId(), action, true, HttpJson.remote(ctx),
        new JsonObject().put("complaintId", c.id()).put("responsibleId", c.responsibleId())
            .put("closed", c.closedOn() != null))).map(v -> c);
  }

  static JsonObject json(Complaint c) {
    return new JsonObject()
        .put("id", c.id())
        .put("caseId", c.caseId())
        .put("receivedAt", c.receivedAt().toString())
        .put("channel", c.channel())
        .put("summary", c.summary())
        .put("responsibleId", c.responsibleId())
        .put("responsibleName", c.responsibleName())
        .put("response", c.response())
        .put("closedOn", c.closedOn() == null ? null : c.closedOn().toString())
        .put("status", c.closedOn() == null ? "open" : "closed")
        .put("recordedBy", c.recordedBy())
        .put("recordedAt", c.recordedAt().toString());
  }

  private Instant receivedAt(JsonObject body) {
    String raw = HttpJson.string(body, "receivedAt");
    try {
      Instant at = raw == null ? null : Instant.parse(raw);
      if (at != null && !at.isAfter(clock.instant().plus(CLOCK_SLACK)) && !at.isBefore(clock.instant().minus(OLDEST))) {
        return at;
      }
    } catch (DateTimeParseException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_received_at",
        "receivedAt は受け付けた日時です(未来は不可) / receivedAt must be when it was received, e.g. 2026-11-26T10:00:00Z, not in the future");
  }

  private static String channel(JsonObject body) {
    String channel = HttpJson.string(body, "channel");
    if (channel == null) { // a ComplaintChannel of the contract, checked before this runs
      throw ApiException.badRequest("invalid_channel", "channel is required");
    }
    return channel;
  }

  private static String text(JsonObject body, String field, boolean required) {
    String value = HttpJson.string(body, field);
    if (value != null && value.isBlank()) {
      value = null;
    }
    if ((required && value == null) || (value != null && value.length() > Complaint.MAX_TEXT)) {
      throw ApiException.badRequest("invalid_" + field, field + " is required, at most " + Complaint.MAX_TEXT + " characters");
    }
    return value;
  }

  private LocalDate closedOn(JsonObject body) {
    String raw = HttpJson.string(body, "closedOn");
    if (raw == null) {
      return null;
    }
    try {
      LocalDate day = LocalDate.parse(raw);
      if (!day.isAfter(LocalDate.now(clock.withZone(TOKYO)))) {
        return day;
      }
    } catch (DateTimeParseException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_closed_on", "closedOn must be a day such as 2026-11-26, not in the future");
  }

  private static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_limit", "limit must be 1 to " + MAX_LIMIT);
  }
}
