package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageRuleException;
import jp.kurashi.core.triage.TriageRules;

/**
 * {@code GET /api/triage/rules} (chief, admin) and {@code PUT} (chief only: the administrator reads no consultations, and
 * a rule of theirs would tell them from the queue who wrote what): the keyword rules triage applies. A file with an error is refused
 * with its line (422) and the old rules stay in force.
 */
final class TriageRulesApi {

  private final Vertx vertx;
  private final TriageStore triage;
  private final TriageEngine engine;
  private final CaseGuard guard;

  TriageRulesApi(Vertx vertx, TriageStore triage, TriageEngine engine, CaseGuard guard) {
    this.vertx = vertx;
    this.triage = triage;
    this.engine = engine;
    this.guard = guard;
  }

  void bind(Operations operations) {
    operations.answer("triageRules", 200, this::rules).answer("saveTriageRules", 200, this::saveRules);
  }

  private Future<?> rules(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return guard.role(ctx, session, "triage.rules.read", Role.CHIEF, Role.ADMIN)
        .map(v -> new JsonObject().put("rules", engine.rules().text()).put("size", engine.rules().size()));
  }

  private Future<?> saveRules(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> rulesText(ctx))
        .compose(text -> guard.role(ctx, session, "triage.rules.write", Role.CHIEF)
            .compose(v -> vertx.executeBlocking(() -> TriageRules.parse(text), false))
            .recover(err -> Future.failedFuture(err instanceof TriageRuleException bad
                ? new ApiException(422, "invalid_rules", bad.getMessage(), new JsonObject().put("line", bad.line()))
                : err))
            .compose(parsed -> triage.saveRules(text, session.staff().id()).map(id -> {
              engine.replace(parsed);
              return parsed;
            })))
        .compose(parsed -> guard.done(ctx, session, "triage.rules.write", new JsonObject().put("size", parsed.size()))
            .map(v -> new JsonObject().put("size", parsed.size())));
  }

  private static String rulesText(RoutingContext ctx) {
    String text = HttpJson.string(HttpJson.body(ctx), "rules");
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("invalid_rules", "rules text is required");
    }
    return text;
  }
}
