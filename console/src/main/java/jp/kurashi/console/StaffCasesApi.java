package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.ContactMade;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffRecordedConsultation;
import jp.kurashi.core.domain.StaffRoutes;
import jp.kurashi.core.pipeline.StaffIntake;
import jp.kurashi.core.store.StaffCaseStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Consultations staff record and what staff record on any case (issue 16 items 1 and 2):
 * {@code POST /api/cases} opens a case for a consultation by phone, at the window, on an outreach visit or from a
 * partner agency (consultant, chief; the recorder is assigned it); {@code PUT /api/cases/{id}/route} sets who
 * consulted and who sent them; {@code POST|GET /api/cases/{id}/contacts} the contacts made;
 * {@code PUT /api/cases/{id}/follow-up} the next follow-up day. Case calls need the case (assignee, chief); every
 * one is audited.
 */
final class StaffCasesApi {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  /** How far back a consultation or contact may be recorded: older ones belong to the paper files. */
  private static final Duration MAX_AGE = Duration.ofDays(366);
  /** How far ahead a follow-up may be planned. */
  private static final int MAX_FOLLOW_UP_YEARS = 2;

  private final StaffIntake intake;
  private final StaffCaseStore store;
  private final CaseGuard guard;
  private final Clock clock;

  StaffCasesApi(StaffIntake intake, StaffCaseStore store, CaseGuard guard, Clock clock) {
    this.intake = intake;
    this.store = store;
    this.guard = guard;
    this.clock = clock;
  }

  void bind(Operations operations) {
    operations.answer("recordConsultation", 201, this::record);
    operations.answer("setCaseRoute", 200, this::route);
    operations.answer("recordCaseContact", 201, this::addContact);
    operations.answer("listCaseContacts", 200, this::contacts);
    operations.answer("setFollowUp", 200, this::followUp);
  }

  private Future<?> record(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = HttpJson.body(ctx);
    String route = code(body, "route", true);
    String consulter = code(body, "consulter", true);
    String name = HttpJson.string(body, "name");
    if (body.getValue("name") != null && name == null || name != null && name.length() > StaffRoutes.MAX_NAME) {
      throw ApiException.badRequest("invalid_name", "name は" + StaffRoutes.MAX_NAME + "文字までです / name is at most "
          + StaffRoutes.MAX_NAME + " characters");
    }
    String text = HttpJson.string(body, "text");
    if (text == null || text.isBlank() || text.length() > StaffRoutes.MAX_TEXT) {
      throw ApiException.badRequest("text_required", "相談の内容を入力してください(" + StaffRoutes.MAX_TEXT
          + "文字まで) / text is required (at most " + StaffRoutes.MAX_TEXT + " characters)");
    }
    Instant at = pastMoment(body, "at");
    Long agencyId = body.getValue("agencyId") instanceof Number n ? n.longValue() : null;
    if (route.equals("referral") != (agencyId != null)) {
      throw ApiException.badRequest("agency_required", "関係機関からのつなぎには紹介元の機関(agencyId)が必要です(ほかの経路には不要) / "
          + "a referral needs agencyId, and only a referral has one");
    }
    StaffRecordedConsultation consultation = new StaffRecordedConsultation(route, consulter,
        name == null || name.isBlank() ? null : name.strip(), text, at, agencyId, session.staff().id());
    UUID draftId = DraftId.of(body);
    return guard.role(ctx, session, "case.record", Role.CONSULTANT, Role.CHIEF)
        .compose(v -> agency(agencyId, session))
        .compose(v -> intake.record(session.staff().officeId(), consultation, draftId))
        .compose(stored -> guard.record(ctx, session, stored.caseId(), "case.record").map(stored))
        .map(stored -> new JsonObject().put("id", stored.caseId())
            .put("messageId", stored.messageId()).put("channel", route).put("alreadyRecorded", stored.duplicate()));
  }

  private Future<?> route(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    String consulter = code(body, "consulter", false);
    String source = code(body, "referralSource", false);
    Long agencyId = body.getValue("referralAgencyId") instanceof Number n ? n.longValue() : null;
    if (body.getValue("referralAgencyId") != null && agencyId == null || agencyId != null && !"agency".equals(source)) {
      throw ApiException.badRequest("invalid_agency", "紹介元の機関は紹介元が「関係機関」のときだけ指定できます / "
          + "referralAgencyId goes only with referralSource agency");
    }
    return guard.caseFor(ctx, session, caseId, "case.route")
        .compose(found -> agency(agencyId, session))
        .compose(v -> store.route(caseId, consulter, source, agencyId))
        .map(v -> new JsonObject().put("consulter", consulter)
            .put("referralSource", source).put("referralAgencyId", agencyId));
  }

  private Future<?> addContact(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    String kind = code(body, "kind", true);
    Instant at = pastMoment(body, "at");
    String note = HttpJson.string(body, "note");
    if (body.getValue("note") != null && note == null || note != null && note.length() > StaffRoutes.MAX_NOTE) {
      throw ApiException.badRequest("invalid_note", "note is at most " + StaffRoutes.MAX_NOTE + " characters");
    }
    UUID draftId = DraftId.of(body);
    return guard.caseFor(ctx, session, caseId, "case.contact")
        .compose(found -> store.addContact(caseId, kind, at, note == null || note.isBlank() ? null : note.strip(),
            session.staff().id(), clock.instant(), draftId))
        .map(added -> json(added.contact()).put("alreadyRecorded", added.alreadyRecorded()));
  }

  private Future<?> contacts(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    return guard.caseFor(ctx, session, caseId, "case.contacts.read")
        .compose(found -> store.contacts(caseId))
        .map(found -> new JsonObject().put("items", new JsonArray(found.stream().map(StaffCasesApi::json).toList())));
  }

  private Future<?> followUp(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    JsonObject body = HttpJson.body(ctx);
    if (!body.containsKey("on")) {
      throw ApiException.badRequest("invalid_on", "on is required: a day such as 2026-12-01, or null for none");
    }
    LocalDate on = followUpDay(body.getValue("on"));
    return guard.caseFor(ctx, session, caseId, "case.follow_up")
        .compose(found -> store.followUp(caseId, on))
        .map(v -> new JsonObject().put("followUpOn", on == null ? null : on.toString()));
  }

  /** Passes when no agency is named or it is an active agency of the caller's office; 400 otherwise. */
  private Future<Void> agency(Long agencyId, StaffSession session) {
    if (agencyId == null) {
      return Future.succeededFuture();
    }
    return store.agencyActive(agencyId, session.staff().officeId()).compose(known -> known ? Future.<Void>succeededFuture()
        : Future.failedFuture(ApiException.badRequest("unknown_agency",
            "その関係機関はこの窓口の一覧にありません / no such active agency in this office")));
  }

  static JsonObject json(ContactMade c) {
    return new JsonObject().put("id", c.id()).put("caseId", c.caseId()).put("kind", c.kind())
        .put("at", c.at().toString()).put("note", c.note()).put("staffId", c.staffId())
        .put("staffName", c.staffName()).put("recordedAt", c.recordedAt().toString());
  }

  /** A code of one of the contract's lists (StaffRoute, Consulter, ReferralSource, ContactKind), checked before this. */
  private static String code(JsonObject body, String field, boolean required) {
    Object raw = body.getValue(field);
    if (raw == null && !required) {
      return null;
    }
    if (raw instanceof String s) {
      return s;
    }
    throw ApiException.badRequest("invalid_" + snake(field), field + " is required");
  }

  private static String snake(String field) {
    return field.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }

  /** An ISO-8601 instant neither in the future nor more than a year ago. */
  private Instant pastMoment(JsonObject body, String field) {
    String raw = HttpJson.string(body, field);
    try {
      Instant at = raw == null ? null : Instant.parse(raw);
      Instant now = clock.instant();
      if (at != null && !at.isAfter(now) && !at.isBefore(now.minus(MAX_AGE))) {
        return at;
      }
    } catch (DateTimeParseException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_at", field + " は過去1年以内の日時です / " + field
        + " must be an ISO-8601 instant within the past year, e.g. 2026-11-20T01:30:00Z, not in the future");
  }

  /** A day from today (Japan) to two years ahead, or null for none. */
  private LocalDate followUpDay(Object raw) {
    if (raw == null) {
      return null;
    }
    try {
      LocalDate day = raw instanceof String s ? LocalDate.parse(s) : null;
      LocalDate today = LocalDate.now(clock.withZone(TOKYO));
      if (day != null && !day.isBefore(today) && !day.isAfter(today.plusYears(MAX_FOLLOW_UP_YEARS))) {
        return day;
      }
    } catch (DateTimeParseException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_on", "on は今日から2年以内の日付か null です / on must be a day from today "
        + "to two years ahead, e.g. 2026-12-01, or null");
  }
}
