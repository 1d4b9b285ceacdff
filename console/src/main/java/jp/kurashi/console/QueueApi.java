package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.domain.CaseSummary;
import jp.kurashi.core.store.QueueCursor;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

/**
 * {@code GET /api/cases}: the office's queue a page at a time, most pressing first, or with {@code q} a search among
 * the cases the caller may read. Parameters are checked by the contract (status, limit, followUp) before this runs.
 */
final class QueueApi {

  /** Cases per queue page unless {@code limit} says otherwise (the contract's default). */
  private static final int QUEUE_PAGE = 100;
  private static final int QUEUE_PAGE_MAX = 500;
  private static final int SEARCH_MAX_LENGTH = 100;

  private final CaseStore cases;
  private final AuditLog audit;
  private final CaseGuard guard;
  private final Clock clock;
  /** The privacy notice in force in each office (offices of one deployment may have their own). */
  private final java.util.function.LongFunction<String> noticeVersion;

  QueueApi(CaseStore cases, AuditLog audit, CaseGuard guard, Clock clock,
           java.util.function.LongFunction<String> noticeVersion) {
    this.cases = cases;
    this.audit = audit;
    this.guard = guard;
    this.clock = clock;
    this.noticeVersion = noticeVersion;
  }

  void bind(Operations operations) {
    operations.answer("listCases", 200, this::listCases);
  }

  private Future<?> listCases(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    if (ctx.queryParams().get("q") != null) {
      return searchCases(ctx, session);
    }
    String status = ctx.queryParams().get("status") == null ? "open" : ctx.queryParams().get("status");
    String followUp = ctx.queryParams().get("followUp");
    long office = session.staff().officeId();
    LocalDate today = CaseJson.today(clock);
    return HttpJson.checked(() -> cursor(ctx.queryParams().get("after")))
        .compose(after -> cases.list(office, status, limit(ctx), after, followUp == null ? null : today))
        .compose(page -> cases.followUpsDue(office, status, today)
            .compose(due -> cases.countsByUrgency(office, status).map(counts -> {
              JsonObject byUrgency = new JsonObject();
              counts.forEach(byUrgency::put);
              return new JsonObject().put("items", summaries(page.items(), today, office))
                  .put("next", page.next() == null ? null : page.next().encode())
                  .put("counts", byUrgency)
                  .put("total", counts.values().stream().mapToLong(Long::longValue).sum())
                  .put("followUpsDue", due);
            })));
  }

  /**
   * {@code GET /api/cases?q=}: cases whose contact or messages hold the phrase, among those the caller may read
   * (the chief: the office's; a consultant: their own; the administrator reads no consultations). Audited with the
   * number found, never the phrase, which may be a resident's name.
   */
  private Future<JsonObject> searchCases(RoutingContext ctx, StaffSession session) {
    Long only = session.staff().role() == Role.CHIEF ? null : session.staff().id();
    return HttpJson.checked(() -> phrase(ctx))
        .compose(phrase -> guard.role(ctx, session, "case.search", Role.CHIEF, Role.CONSULTANT).map(phrase))
        .compose(phrase -> cases.search(session.staff().officeId(), phrase, only, ctx.queryParams().get("status"),
            limit(ctx)))
        .compose(found -> audit.record(new AuditEntry(null, session.staff().id(), null, "case.search", true,
                HttpJson.remote(ctx), new JsonObject().put("results", found.size())
                    .put("cases", new JsonArray(found.stream().map(CaseSummary::id).toList()))))
            .map(v -> new JsonObject().put("items", summaries(found, CaseJson.today(clock), session.staff().officeId())).put("next", (String) null)));
  }

  private static String phrase(RoutingContext ctx) {
    String phrase = ctx.queryParams().get("q").strip();
    if (phrase.isEmpty() || phrase.length() > SEARCH_MAX_LENGTH) {
      throw ApiException.badRequest("invalid_q", "q は1〜" + SEARCH_MAX_LENGTH + "文字です / q must be 1 to "
          + SEARCH_MAX_LENGTH + " characters");
    }
    return phrase;
  }

  private JsonArray summaries(List<CaseSummary> found, LocalDate today, long officeId) {
    String noticeVersion = this.noticeVersion.apply(officeId);
    JsonArray items = new JsonArray();
    found.forEach(c -> items.add(CaseJson.summary(c, today, noticeVersion)));
    return items;
  }

  /** The page size (the contract checks it too). */
  private static int limit(RoutingContext ctx) {
    String raw = ctx.queryParams().get("limit");
    if (raw == null) {
      return QUEUE_PAGE;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= QUEUE_PAGE_MAX) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_limit", "limit must be 1 to " + QUEUE_PAGE_MAX);
  }

  private static QueueCursor cursor(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return QueueCursor.decode(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_cursor", "after must be the next value of a previous page");
    }
  }
}
