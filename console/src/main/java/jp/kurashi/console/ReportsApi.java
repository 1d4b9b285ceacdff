package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.ReportStore;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;

/** {@code GET /api/reports/monthly?fy=YYYY} and {@code monthly.csv} for the chief and the admin. */
final class ReportsApi {

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

  private Future<io.vertx.core.json.JsonObject> figures(RoutingContext ctx, StaffSession session) {
    int fy = fiscalYear(ctx.queryParams().get("fy"));
    return guard.role(ctx, session, "report.read", Role.CHIEF, Role.ADMIN)
        .compose(v -> store.fiscalYear(session.staff().officeId(), fy))
        .map(figures -> report.json(fy, figures));
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
        .putHeader("Content-Disposition", "attachment; filename=\"monthly-report-FY" + r.getInteger("fiscalYear") + ".csv\"")
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
