package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.ReportStore;
import jp.kurashi.core.store.ReportStore.Office;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/reports/monthly?fy=YYYY&office=} and {@code monthly.csv}: the chief and the admin for their own office,
 * the operator (法人本部) for any office or {@code all} of them together.
 */
final class ReportsApi {

  /** The office code that asks for every office's figures summed (operator only). */
  static final String ALL = "all";
  private static final String ALL_NAME = "全事業所";

  private final ReportStore store;
  private final MonthlyReport report;
  private final CaseGuard guard;
  private final Clock clock;

  ReportsApi(ReportStore store, MonthlyReport report, CaseGuard guard, Clock clock) {
    this.clock = clock;
    this.store = store;
    this.report = report;
    this.guard = guard;
  }

  void bind(Operations operations) {
    operations.answer("monthlyReport", 200, this::json);
    operations.on("monthlyReportCsv", this::csv);
  }

  /** Whose figures a report holds: one office, or every office together ({@code all}). */
  private record Scope(String code, String name, List<Long> officeIds) {
  }

  private Future<JsonObject> figures(RoutingContext ctx, StaffSession session) {
    int fy = fiscalYear(ctx.queryParams().get("fy"));
    return guard.role(ctx, session, "report.read", Role.CHIEF, Role.ADMIN, Role.OPERATOR)
        .compose(v -> scope(ctx, session, ctx.queryParams().get("office")))
        .compose(scope -> store.fiscalYear(scope.officeIds(), fy).map(figures -> report.json(fy, figures)
            .put("office", new JsonObject().put("code", scope.code()).put("name", scope.name()))));
  }

  /**
   * The offices the report covers. The operator asks for any office or {@code all} (the default); the chief and the
   * admin get their own office, and asking for another or {@code all} is refused and audited. An unknown code is 404.
   */
  private Future<Scope> scope(RoutingContext ctx, StaffSession session, String asked) {
    return store.offices().compose(offices -> {
      boolean operator = session.staff().role() == Role.OPERATOR;
      if (operator && (asked == null || ALL.equals(asked))) {
        return Future.succeededFuture(new Scope(ALL, ALL_NAME, offices.stream().map(Office::id).toList()));
      }
      Optional<Office> office = asked == null
          ? offices.stream().filter(o -> o.id() == session.staff().officeId()).findFirst()
          : offices.stream().filter(o -> o.code().equals(asked)).findFirst();
      if (office.isEmpty() && !ALL.equals(asked)) {
        return Future.failedFuture(ApiException.notFound("office " + asked));
      }
      if (!operator && (office.isEmpty() || office.get().id() != session.staff().officeId())) {
        return guard.refused(ctx, session, null, "report.read", new JsonObject().put("office", asked))
            .compose(v -> Future.failedFuture(ApiException.forbidden("office_not_yours",
                "ほかの事業所の報告は見られません / you may read your own office's report only")));
      }
      Office found = office.get();
      return Future.succeededFuture(new Scope(found.code(), found.name(), List.of(found.id())));
    });
  }

  private Future<?> json(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return figures(ctx, session);
  }

  private void csv(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    String encoding = ctx.queryParams().get("encoding");
    boolean sjis = "shift_jis".equalsIgnoreCase(encoding);
    if (encoding != null && !sjis && !"utf-8".equalsIgnoreCase(encoding)) {
      throw ApiException.badRequest("invalid_encoding", "encoding must be utf-8 or shift_jis");
    }
    figures(ctx, session).onSuccess(r -> ctx.response()
        .putHeader("Content-Type", "text/csv; charset=" + (sjis ? "Shift_JIS" : "UTF-8"))
        .putHeader("Content-Disposition", "attachment; filename=\"monthly-report-FY" + r.getInteger("fiscalYear") + "-"
            + r.getJsonObject("office").getString("code").replaceAll("[^A-Za-z0-9_-]", "_") + ".csv\"")
        .end(Buffer.buffer(report.csv(r, sjis)))).onFailure(ctx::fail);
  }

  /** The requested fiscal year, or the current one (it starts in April, Japan time). */
  private int fiscalYear(String raw) {
    if (raw == null || raw.isBlank()) {
      LocalDate today = LocalDate.now(clock.withZone(ZoneId.of("Asia/Tokyo")));
      return today.getMonthValue() >= 4 ? today.getYear() : today.getYear() - 1;
    }
    try {
      int fy = Integer.parseInt(raw);
      if (fy >= 2000 && fy <= 2100) {
        return fy;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_fy", "fy must be a year such as 2026");
  }
}
