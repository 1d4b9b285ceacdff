package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.StaffRoutes;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.AccommodationStore;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.CaseStore.OfficeCase;
import jp.kurashi.core.store.MessageStore.DraftReply;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.Category;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One case: {@code GET /api/cases/{id}} (its thread, triage and accommodation), a reply to the resident, an attachment
 * and the staff's correction of its triage. Every call goes through {@link CaseGuard}, which audits it.
 */
final class CaseApi {

  private final CaseStore cases;
  private final TriageStore triage;
  private final AccommodationStore accommodations;
  private final ReplyQueue replies;
  private final CaseGuard guard;
  private final ConsoleSettings settings;
  private final Clock clock;
  /** The privacy notice in force in each office (offices of one deployment may have their own). */
  private final java.util.function.LongFunction<String> noticeVersion;

  CaseApi(CaseStore cases, TriageStore triage, AccommodationStore accommodations, ReplyQueue replies, CaseGuard guard,
          ConsoleSettings settings, Clock clock,
          java.util.function.LongFunction<String> noticeVersion) {
    this.cases = cases;
    this.triage = triage;
    this.accommodations = accommodations;
    this.replies = replies;
    this.guard = guard;
    this.settings = settings;
    this.clock = clock;
    this.noticeVersion = noticeVersion;
  }

  void bind(Operations operations) {
    operations.answer("readCase", 200, this::readCase)
        .answer("caseMessagesAfter", 200, this::messagesAfter)
        .answer("reply", 202, this::reply)
        .on("attachment", this::attachment)
        .answer("correctTriage", 200, this::correctTriage);
  }

  private Future<?> readCase(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return authorisedCase(ctx, session, "case.read")
        .compose(found -> guard.readableThread(ctx, session, found)
            .compose(readable -> cases.detail(found, readable))
            .compose(detail -> triage.results(found.summary().id())
                .map(results -> CaseJson.detail(detail, CaseJson.today(clock),
                    noticeVersion.apply(session.staff().officeId())).put("triage", results)))
            .compose(json -> accommodations.of(found.summary().id())
                .map(a -> json.put("accommodation", AccommodationApi.json(a)))));
  }

  /**
   * {@code GET /api/cases/{id}/messages?after=ID}: the messages stored after {@code ID} on a case this login has
   * opened (and on its linked cases it opened), for a console that already shows the thread. Not a new read: it
   * writes no audit row when allowed ({@link CaseGuard#followedThread} says why), a refusal is audited.
   */
  private Future<?> messagesAfter(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> nonNegative(ctx.queryParams().get("after"), "after"))
        .compose(after -> HttpJson.checked(() -> HttpJson.id(ctx, "id"))
            .compose(id -> guard.followedThread(ctx, session, id))
            .compose(readable -> cases.messagesAfter(readable, after)))
        .map(list -> new JsonObject().put("items", CaseJson.messages(list)));
  }

  /** A message id, 0 or more (the contract checks it too). */
  private static long nonNegative(String raw, String what) {
    try {
      long value = Long.parseLong(raw == null ? "" : raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_" + what, what + " must be a message id (0 or more)");
  }

  private Future<?> reply(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> new ReplyRequest(replyText(ctx), DraftId.of(HttpJson.body(ctx))))
        .compose(request -> authorisedCase(ctx, session, "case.reply")
            // A consultation taken by phone or at the window has no channel: a reply queued for it could never go out.
            .compose(found -> StaffRoutes.isStaffRoute(found.summary().channel())
                ? Future.failedFuture(new ApiException(409, "no_channel",
                    "この相談は電話・窓口などで受けたため、ここからは返信できません / this consultation came by phone, "
                        + "at the window or by visit: there is no channel to reply on"))
                : queue(request, found.summary().id(), session.staff().id())))
        .map(sent -> new JsonObject().put("messageId", sent.reply().messageId())
            .put("alreadyQueued", sent.alreadyQueued()));
  }

  /** A reply's text, and the console's draft it was written in ({@code null} from a caller that names none). */
  private record ReplyRequest(String text, UUID draftId) {
  }

  /** With a draft id, at most once per draft; a caller without one (a script) queues every request it sends. */
  private Future<DraftReply> queue(ReplyRequest request, long caseId, long staffId) {
    return request.draftId() == null
        ? replies.queue(caseId, staffId, request.text()).map(queued -> new DraftReply(queued, false))
        : replies.queueDraft(caseId, staffId, request.text(), request.draftId());
  }

  private String replyText(RoutingContext ctx) {
    String text = HttpJson.string(HttpJson.body(ctx), "text");
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("text_required", "返信の本文がありません / text is required");
    }
    if (text.length() > settings.maxReplyLength()) {
      throw ApiException.badRequest("text_too_long", "text is longer than " + settings.maxReplyLength() + " characters");
    }
    return text;
  }

  /** Sends the file itself (not JSON), so it ends the chain on its own; a failure still goes to the failure handler. */
  private void attachment(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    HttpJson.checked(() -> HttpJson.id(ctx, "attachmentId"))
        .compose(attachmentId -> authorisedCase(ctx, session, "attachment.read")
            .compose(found -> cases.attachment(found.summary().id(), attachmentId))
            .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                : Future.failedFuture(ApiException.notFound("attachment " + attachmentId)))
            .onSuccess(file -> AttachmentResponse.send(ctx.response(), attachmentId, file)))
        .onFailure(ctx::fail);
  }

  /** Staff set a case's categories and urgency; the correction is kept beside what triage said. */
  private Future<?> correctTriage(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> correction(HttpJson.body(ctx)))
        .compose(fix -> authorisedCase(ctx, session, "case.triage")
            .compose(found -> triage.correct(found.summary().id(), session.staff().id(), fix.categories(), fix.urgency()))
            .map(v -> new JsonObject().put("categories", new JsonArray(fix.categories())).put("urgency", fix.urgency())));
  }

  /** The categories (known codes, duplicates dropped) and urgency; the contract has checked the urgency's values. */
  private static Correction correction(JsonObject body) {
    JsonArray raw = body.getValue("categories") instanceof JsonArray a ? a : null;
    String urgency = HttpJson.string(body, "urgency");
    if (raw == null || raw.isEmpty() || urgency == null) {
      throw ApiException.badRequest("invalid_triage", "categories (non-empty) and urgency are required");
    }
    List<String> categories = new ArrayList<>();
    for (Object c : raw) {
      if (!(c instanceof String code) || !Category.isKnown(code)) {
        throw ApiException.badRequest("unknown_category", "unknown category: " + c);
      }
      if (!categories.contains(code)) {
        categories.add(code);
      }
    }
    return new Correction(categories, urgency);
  }

  private Future<OfficeCase> authorisedCase(RoutingContext ctx, StaffSession session, String action) {
    return HttpJson.checked(() -> HttpJson.id(ctx, "id")).compose(id -> guard.caseFor(ctx, session, id, action));
  }

  private record Correction(List<String> categories, String urgency) {
  }
}
