package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.TriageCorrectionStore;
import jp.kurashi.core.store.TriageCorrectionStore.CorrectedMessage;
import jp.kurashi.core.store.TriageCorrectionStore.Scope;
import jp.kurashi.core.triage.LabelledMessage;
import jp.kurashi.core.triage.Urgency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/triage/corrections.jsonl[?since=YYYY-MM-DD]}: every staff correction of the office as a
 * triage corpus line ({@code {"id":"corr-<id>","text","categories","urgency"}}), to retrain the model.
 * Residents' words leave the system here, so only the chief may export, the export is audited with how
 * many lines it gave before the first line goes out, and the answer is a download nothing may cache.
 * Written page by page, waiting for the client, so a large table never sits in memory.
 */
final class TriageCorrectionsApi {

  private static final Logger LOG = LoggerFactory.getLogger(TriageCorrectionsApi.class);
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  static final int PAGE = 200;

  private final TriageCorrectionStore corrections;
  private final AuditLog audit;
  private final CaseGuard guard;
  private final Clock clock;

  TriageCorrectionsApi(TriageCorrectionStore corrections, AuditLog audit, CaseGuard guard, Clock clock) {
    this.corrections = corrections;
    this.audit = audit;
    this.guard = guard;
    this.clock = clock;
  }

  void bind(Operations operations) {
    operations.on("triageCorrections", this::export);
  }

  private void export(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    String rawSince = ctx.queryParams().get("since");
    Instant since = since(rawSince);
    guard.role(ctx, session, "triage.corrections.export", Role.CHIEF)
        .compose(v -> corrections.scope(session.staff().officeId(), since))
        .compose(scope -> audit.record(new AuditEntry(null, session.staff().id(), null, "triage.corrections.export",
                true, HttpJson.remote(ctx), new JsonObject().put("lines", scope.lines()).put("since", rawSince)
                    // The cases whose residents' words leave in the file, as the complaints register names its cases.
                    .put("caseIds", new JsonArray(scope.caseIds()))))
            .map(v -> scope))
        .onSuccess(scope -> {
          ctx.response()
              .setChunked(true)
              .putHeader("Content-Type", "application/x-ndjson; charset=utf-8")
              .putHeader("Content-Disposition", "attachment; filename=\"triage-corrections-"
                  + LocalDate.now(clock.withZone(TOKYO)) + ".jsonl\"")
              .putHeader("Cache-Control", "no-store")
              .putHeader("X-Content-Type-Options", "nosniff");
          write(ctx, scope, 0);
        })
        .onFailure(ctx::fail);
  }

  /** Writes the page after correction {@code after}, then the next once the client has taken it. */
  private void write(RoutingContext ctx, Scope scope, long after) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      return;
    }
    corrections.page(scope, after, PAGE).onComplete(ar -> {
      if (ar.failed()) {
        abort(ctx, ar.cause());
        return;
      }
      List<CorrectedMessage> page = ar.result();
      Buffer chunk = Buffer.buffer();
      page.forEach(c -> chunk.appendString(line(c).encode()).appendString("\n"));
      if (page.size() < PAGE) {
        response.end(chunk);
        return;
      }
      response.write(chunk);
      long last = page.get(page.size() - 1).correctionId();
      if (response.writeQueueFull()) {
        response.drainHandler(v -> write(ctx, scope, last));
      } else {
        write(ctx, scope, last);
      }
    });
  }

  /** A failure once lines went out closes the connection, so the client cannot take half a file for all of it. */
  private static void abort(RoutingContext ctx, Throwable err) {
    if (!ctx.response().headWritten()) {
      ctx.fail(err);
      return;
    }
    LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err)).log("corrections export cut short");
    ctx.request().connection().close();
  }

  static JsonObject line(CorrectedMessage c) {
    return new LabelledMessage("corr-" + c.correctionId(), c.text(), Set.copyOf(c.categories()),
        Urgency.fromCode(c.urgency())).toJson();
  }

  /** Start of the given day in Japan; null without one. */
  private static Instant since(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(raw).atStartOfDay(TOKYO).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("invalid_since", "since は YYYY-MM-DD の日付です / since must be a date such as 2026-04-01");
    }
  }
}
