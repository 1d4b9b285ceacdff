package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Accommodation;
import jp.kurashi.core.store.AccommodationStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PUT /api/cases/{id}/accommodation}: the case's reasonable accommodation (合理的配慮), set by who may work
 * on the case; it is part of {@code GET /api/cases/{id}} and of the printable handoff summary.
 */
final class AccommodationApi {

  private final AccommodationStore store;
  private final CaseGuard guard;
  private final Clock clock;

  AccommodationApi(AccommodationStore store, CaseGuard guard, Clock clock) {
    this.store = store;
    this.guard = guard;
    this.clock = clock;
  }

  void bind(Operations operations) {
    operations.answer("setAccommodation", 200, this::put);
  }

  private Future<?> put(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long caseId = HttpJson.id(ctx, "id");
    Accommodation wanted = read(HttpJson.body(ctx));
    return guard.caseFor(ctx, session, caseId, "case.accommodation")
        .compose(found -> store.put(caseId, wanted, session.staff().id(), clock.instant()))
        .map(saved -> json(saved));
  }

  static JsonObject json(Accommodation a) {
    return new JsonObject()
        .put("needs", new JsonArray(a.needs()))
        .put("contactMeans", a.contactMeans())
        .put("contactHours", a.contactHours())
        .put("note", a.note())
        .put("updatedBy", a.updatedBy())
        .put("updatedAt", a.updatedAt() == null ? null : a.updatedAt().toString());
  }

  private static Accommodation read(JsonObject body) {
    JsonArray rawNeeds = body.getValue("needs") instanceof JsonArray array ? array : new JsonArray();
    List<String> needs = new ArrayList<>();
    for (Object need : rawNeeds) {
      if (!(need instanceof String code)) { // each a Need of the contract, checked before this runs
        throw ApiException.badRequest("invalid_needs", "needs must be a list of codes");
      }
      needs.add(code);
    }
    String means = blankToNull(HttpJson.string(body, "contactMeans"));
    // contactMeans is a ContactMeans of the contract, checked before this runs.
    return new Accommodation(needs, means, limited(body, "contactHours", Accommodation.MAX_HOURS),
        limited(body, "note", Accommodation.MAX_NOTE), null, null);
  }

  private static String limited(JsonObject body, String field, int max) {
    String value = blankToNull(HttpJson.string(body, field));
    if (value != null && value.length() > max) {
      throw ApiException.badRequest("invalid_" + field, field + " is at most " + max + " characters");
    }
    return value;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
