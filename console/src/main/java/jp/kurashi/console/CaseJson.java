package jp.kurashi.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.domain.AttachmentInfo;
import jp.kurashi.core.domain.CaseDetail;
import jp.kurashi.core.domain.CaseMessage;
import jp.kurashi.core.domain.CaseSummary;
import jp.kurashi.core.domain.StaffMember;

import java.time.Instant;

/** The API's JSON shapes for cases and staff. */
final class CaseJson {

  private CaseJson() {
  }

  private static final java.time.ZoneId TOKYO = java.time.ZoneId.of("Asia/Tokyo");

  /** Today at the desk (Japan), which decides whether a follow-up is due. */
  static java.time.LocalDate today(java.time.Clock clock) {
    return java.time.LocalDate.now(clock.withZone(TOKYO));
  }

  /**
   * The summary with {@code followUpDue} (its follow-up day is {@code today} or past) and {@code consent} (whether
   * its resident agreed to the privacy notice in force, {@code noticeVersion}).
   */
  static JsonObject summary(CaseSummary c, java.time.LocalDate today, String noticeVersion) {
    return summary(c).put("followUpDue", c.followUpOn() != null && !c.followUpOn().isAfter(today))
        .put("consent", consent(c, noticeVersion));
  }

  /** {@code given}, {@code missing}, or {@code outdated} (agreed to an older notice), with the version and time. */
  static JsonObject consent(CaseSummary c, String noticeVersion) {
    String state = c.consentAt() == null ? "missing"
        : noticeVersion == null || noticeVersion.equals(c.consentVersion()) ? "given" : "outdated";
    return new JsonObject().put("state", state).put("version", c.consentVersion()).put("at", iso(c.consentAt()));
  }

  static JsonObject summary(CaseSummary c) {
    return new JsonObject()
        .put("id", c.id())
        .put("channel", c.channel())
        .put("status", c.status())
        .put("urgency", c.urgency())
        .put("categories", new JsonArray(c.categories()))
        .put("openedAt", iso(c.openedAt()))
        .put("lastMessageAt", iso(c.lastMessageAt()))
        .put("lastInboundAt", iso(c.lastInboundAt()))
        .put("assigneeId", c.assigneeId())
        // 相談経路: the channel is the route (online channel, or phone, walk_in, outreach, referral).
        .put("route", c.channel())
        .put("noChannel", jp.kurashi.core.domain.StaffRoutes.isStaffRoute(c.channel()))
        .put("consulter", c.consulter())
        .put("referralSource", c.referralSource())
        .put("referralAgencyId", c.referralAgencyId())
        .put("referralAgency", c.referralAgencyName())
        .put("followUpOn", c.followUpOn() == null ? null : c.followUpOn().toString())
        .put("senderUnverified", c.senderUnverified());
  }

  static JsonObject detail(CaseDetail d, java.time.LocalDate today, String noticeVersion) {
    return detail(d).put("followUpDue", d.summary().followUpOn() != null && !d.summary().followUpOn().isAfter(today))
        .put("consent", consent(d.summary(), noticeVersion));
  }

  static JsonObject detail(CaseDetail d) {
    return summary(d.summary()).put("contactName", d.contactName()).put("messages", messages(d.messages()));
  }

  /** A thread's messages (or the new ones of a thread already shown), each with its attachments' URLs. */
  static JsonArray messages(java.util.List<CaseMessage> list) {
    JsonArray messages = new JsonArray();
    for (CaseMessage m : list) {
      JsonArray attachments = new JsonArray();
      for (AttachmentInfo a : m.attachments()) {
        attachments.add(new JsonObject()
            .put("id", a.id())
            .put("contentType", a.contentType())
            .put("fileName", a.fileName())
            .put("size", a.sizeBytes())
            .put("url", "/api/cases/" + m.caseId() + "/attachments/" + a.id()));
      }
      messages.add(new JsonObject()
          .put("id", m.id())
          .put("caseId", m.caseId())
          .put("direction", m.direction())
          .put("channel", m.channel())
          .put("subject", m.subject())
          .put("text", m.text())
          .put("at", iso(m.at()))
          .put("delivery", m.delivery().code())
          .put("deliveryError", m.deliveryError())
          .put("staffId", m.staffId())
          .put("unsent", m.unsent())
          .put("senderUnverified", m.senderUnverified())
          .put("attachments", attachments));
    }
    return messages;
  }

  static JsonObject staff(StaffMember s) {
    return new JsonObject()
        .put("id", s.id())
        .put("login", s.login())
        .put("displayName", s.displayName())
        .put("role", s.role().code());
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
