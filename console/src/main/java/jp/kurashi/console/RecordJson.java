package jp.kurashi.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.store.AgencyStore.Agency;
import jp.kurashi.core.store.AuditLog.Recorded;
import jp.kurashi.core.store.HandoffStore.Handoff;
import jp.kurashi.core.store.HandoffStore.Summary;
import jp.kurashi.core.store.StaffStore.Listed;
import jp.kurashi.core.store.TemplateStore.Template;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The office's lists (agencies, templates, staff, audit rows, handoffs) as the API answers them. */
final class RecordJson {

  private RecordJson() {
  }

  /** A list answer: {@code {"items": [...]}}. */
  static <T> JsonObject items(List<T> items, Function<T, JsonObject> map) {
    JsonArray out = new JsonArray();
    items.forEach(i -> out.add(map.apply(i)));
    return new JsonObject().put("items", out);
  }

  static JsonObject agency(Agency a) {
    return new JsonObject().put("id", a.id()).put("name", a.name()).put("kind", a.kind()).put("phone", a.phone())
        .put("address", a.address()).put("note", a.note());
  }

  static JsonObject template(Template t) {
    return new JsonObject().put("id", t.id()).put("title", t.title()).put("body", t.body());
  }

  static JsonObject staff(Listed s) {
    return new JsonObject().put("id", s.id()).put("login", s.login()).put("displayName", s.displayName())
        .put("role", s.role().code()).put("active", s.active()).put("totpEnabled", s.totpEnabled())
        .put("mustChangePassword", s.mustChangePassword());
  }

  static JsonObject audit(Recorded r) {
    return new JsonObject().put("id", r.id()).put("at", iso(r.at())).put("staffId", r.staffId())
        .put("login", r.login()).put("caseId", r.caseId()).put("action", r.action()).put("allowed", r.allowed())
        .put("remoteAddr", r.remoteAddr());
  }

  static JsonObject handoff(Handoff h) {
    return new JsonObject().put("id", h.id()).put("kind", h.kind()).put("at", iso(h.at())).put("note", h.note())
        .put("agency", h.agency()).put("sharingConsent", h.sharingConsent()).put("createdAt", iso(h.createdAt()));
  }

  /** What {@link IntakeSummary} prints. */
  static JsonObject summary(Summary s) {
    return new JsonObject().put("id", s.id()).put("kind", s.kind()).put("at", iso(s.at())).put("note", s.note())
        .put("createdAt", iso(s.createdAt())).put("caseId", s.caseId()).put("agency", s.agency())
        .put("agencyPhone", s.agencyPhone()).put("sharingConsent", s.sharingConsent())
        .put("categories", new JsonArray(s.categories())).put("urgency", s.urgency())
        .put("openedAt", iso(s.openedAt())).put("channel", s.channel()).put("contactName", s.contactName())
        .put("staffName", s.staffName()).put("officeId", s.officeId()).put("assigneeId", s.assigneeId())
        .put("needs", new JsonArray(s.needs())).put("contactMeans", s.contactMeans())
        .put("contactHours", s.contactHours()).put("accommodationNote", s.accommodationNote())
        .put("consulter", s.consulter()).put("referralSource", s.referralSource())
        .put("referralAgency", s.referralAgency());
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
