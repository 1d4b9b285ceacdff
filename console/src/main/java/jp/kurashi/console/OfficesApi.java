package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.ReportStore;
import jp.kurashi.core.store.ReportStore.QueueCounts;

import java.time.Instant;
import java.util.List;

/** {@code GET /api/offices/overview}: every office's queue as counts, for the operator (法人本部) only. */
final class OfficesApi {

  private final ReportStore store;
  private final CaseGuard guard;

  OfficesApi(ReportStore store, CaseGuard guard) {
    this.store = store;
    this.guard = guard;
  }

  void bind(Operations operations) {
    operations.answer("officesOverview", 200, this::overview);
  }

  private Future<JsonObject> overview(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return guard.role(ctx, session, "office.overview", Role.OPERATOR)
        .compose(v -> store.queueCounts())
        .map(OfficesApi::json);
  }

  static JsonObject json(List<QueueCounts> counts) {
    JsonArray items = new JsonArray();
    long open = 0;
    long crisis = 0;
    long waiting = 0;
    long crisisWaiting = 0;
    Instant oldest = null;
    for (QueueCounts c : counts) {
      items.add(new JsonObject().put("code", c.office().code()).put("name", c.office().name())
          .put("open", c.open()).put("crisis", c.crisis()).put("waiting", c.waiting())
          .put("crisisWaiting", c.crisisWaiting())
          .put("oldestWaitingSince", c.oldestWaitingSince() == null ? null : c.oldestWaitingSince().toString()));
      open += c.open();
      crisis += c.crisis();
      waiting += c.waiting();
      crisisWaiting += c.crisisWaiting();
      if (c.oldestWaitingSince() != null && (oldest == null || c.oldestWaitingSince().isBefore(oldest))) {
        oldest = c.oldestWaitingSince();
      }
    }
    return new JsonObject().put("items", items).put("total", new JsonObject().put("open", open).put("crisis", crisis)
        .put("waiting", waiting).put("crisisWaiting", crisisWaiting)
        .put("oldestWaitingSince", oldest == null ? null : oldest.toString()));
  }
}
